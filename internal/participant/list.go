package participant

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/personnummer"
)

// Filter narrows the participant list. Zero values mean "any".
type Filter struct {
	Status        string
	Enrolment     string // "kaa", "project", "none"
	SubprojectID  int
	CoordinatorID int
	Mine          int // "Mina": only those this user is a responsible coordinator for
	MinAge        int
	MaxAge        int
	Reason        string // registration reason of the open KAA enrolment
	NoContactDays int    // no contact (or never) for at least this many days
	Search        string // name (partial) or personnummer (any accepted form, or its first digits)
	Sort          string // "name" (default), "identified", "last_contact", "age"
	Page          int    // 1-based
	All           bool   // every matching row, not one page (the workbook, ExportList)
}

// PageSize is how many participants a list page shows.
const PageSize = 50

// ListResult is one page of the list and the counts above it.
type ListResult struct {
	Rows         []Participant
	Total        int            // matching the filter, all pages
	StatusCounts map[string]int // matching the filter except its status
}

// List returns the participants matching f, as of today, and records the read.
func List(ctx context.Context, tx db.Tx, f Filter, today time.Time) (ListResult, error) {
	where := []string{"p.tenant_id = $1", "p.erased_on IS NULL"} // the erased (gallrade) are no longer in the register
	args := []any{tx.TenantID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch f.Enrolment {
	case "kaa", "project":
		where = append(where, `EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = p.tenant_id AND e.participant_id = p.id AND e.ends_on IS NULL AND e.kind = `+arg(f.Enrolment)+`)`)
	case "none":
		where = append(where, `NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = p.tenant_id AND e.participant_id = p.id AND e.ends_on IS NULL)`)
	}
	if f.SubprojectID != 0 {
		where = append(where, `EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = p.tenant_id AND e.participant_id = p.id AND e.subproject_id = `+arg(f.SubprojectID)+`)`)
	}
	if f.CoordinatorID != 0 {
		where = append(where, `EXISTS (SELECT 1 FROM participant_coordinators pc WHERE pc.tenant_id = p.tenant_id AND pc.participant_id = p.id AND pc.user_id = `+arg(f.CoordinatorID)+`)`)
	}
	if f.Mine != 0 {
		where = append(where, `EXISTS (SELECT 1 FROM participant_coordinators pc WHERE pc.tenant_id = p.tenant_id AND pc.participant_id = p.id AND pc.user_id = `+arg(f.Mine)+`)`)
	}
	if f.MinAge > 0 {
		where = append(where, `p.birth_date <= `+arg(today.AddDate(-f.MinAge, 0, 0)))
	}
	if f.MaxAge > 0 {
		where = append(where, `p.birth_date > `+arg(today.AddDate(-f.MaxAge-1, 0, 0)))
	}
	if f.Reason != "" {
		where = append(where, `EXISTS (SELECT 1 FROM enrolments e WHERE e.tenant_id = p.tenant_id AND e.participant_id = p.id AND e.kind = 'kaa' AND e.ends_on IS NULL AND e.registration_reason = `+arg(f.Reason)+`)`)
	}
	if f.NoContactDays > 0 {
		where = append(where, `(p.last_contact_at IS NULL OR p.last_contact_at <= `+arg(today.AddDate(0, 0, -f.NoContactDays))+`)`)
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		if n, err := personnummer.Parse(s, today); err == nil {
			where = append(where, `p.personnummer = `+arg(n.String()))
		} else if digits := onlyDigits(s); len(digits) >= 4 && len(digits) == len(strings.NewReplacer("-", "", "+", "", " ", "").Replace(s)) {
			// The first digits of a number, with or without the century.
			where = append(where, `(p.personnummer LIKE `+arg(digits+"%")+` OR substr(p.personnummer, 3) LIKE `+arg(digits+"%")+`)`)
		} else {
			for _, word := range strings.Fields(strings.ToLower(s)) {
				pat := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(word) + "%"
				// The database's own collation for matching: ICU's lower() (the
				// names' collation sv, for sorting) costs a fifth more per row,
				// and every row of the municipality is matched.
				where = append(where, `(lower(p.first_name COLLATE "default") LIKE `+arg(pat)+` OR lower(p.last_name COLLATE "default") LIKE `+arg(pat)+`)`)
			}
		}
	}
	base := `FROM participants p WHERE ` + strings.Join(where, " AND ")

	res := ListResult{StatusCounts: map[string]int{}}
	rows, _ := tx.Query(ctx, `SELECT s, count(*) FROM (SELECT `+statusSQL+` AS s `+base+`) x GROUP BY s`, args...)
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return res, err
		}
		res.StatusCounts[s] = n
	}
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("participant: list counts: %w", err)
	}

	if f.Status != "" {
		base += ` AND ` + statusSQL + ` = ` + arg(f.Status)
	}
	order := "lower(p.last_name), lower(p.first_name), p.id"
	switch f.Sort {
	case "identified":
		order = "p.identified_on DESC, p.id DESC"
	case "last_contact":
		order = lastContactSQL + " ASC NULLS FIRST, p.id"
	case "age":
		order = "p.birth_date, p.id"
	}
	page := ` LIMIT ` + strconv.Itoa(PageSize) + ` OFFSET ` + strconv.Itoa((max(f.Page, 1)-1)*PageSize)
	if f.All {
		page = ""
	}
	rows, _ = tx.Query(ctx, `SELECT `+columns+`, count(*) OVER () `+base+` ORDER BY `+order+page, args...)
	var err error
	res.Rows, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Participant, error) {
		return scanWith(row, &res.Total)
	})
	if err != nil {
		return res, fmt.Errorf("participant: list: %w", err)
	}
	return res, audit.Record(ctx, tx, audit.Event{Action: "participant.list", RecordType: "participant",
		Detail: map[string]any{"shown": len(res.Rows), "searched": f.Search != ""}})
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
