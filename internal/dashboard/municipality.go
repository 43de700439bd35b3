// Package dashboard computes the indicators the municipality and the project
// umbrella follow, in SQL over indexed tables: nothing loads rows into Go.
package dashboard

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/db"
)

// Period is the span a dashboard covers; From and To are inclusive dates.
type Period struct {
	From, To time.Time
}

// MonthCount is a count at the end of a month.
type MonthCount struct {
	Month time.Time
	Count int
}

// ChannelReach is how often one channel reached the young person.
type ChannelReach struct {
	Channel  string
	Attempts int
	Reached  int
}

// Cell is a count for one category and gender.
type Cell struct {
	Category string
	Gender   string
	Count    int
}

// SurveyShare is how many answered yes to one exit question, by gender.
type SurveyShare struct {
	Question string
	Gender   string
	Yes      int
	Answered int // yes + no; "no answer" is left out
}

// Municipality holds the indicators of one municipality for a period.
type Municipality struct {
	Period            Period
	ListSize          []MonthCount // KAA list at the end of each of the last 24 months
	Identified        int          // people identified in the period
	Planned           int          // planned participants of the municipality's sub-projects (0 when none)
	Population        int          // people enrolled (KAA or project) at some time in the period
	Contacted         int          // … with at least one contact occasion attempted in the period
	Reached           int          // … reached at least once in the period
	WithPlan          int          // … with a plan
	MedianDaysAttempt *float64     // identification to first contact attempt, for those identified in the period: the lower middle value, as the umbrella counts
	MedianDaysReached *float64     // identification to first reached contact
	Channels          []ChannelReach
	Genders           []Cell // the population by gender
	Outcomes          []Cell // follow-ups done in the period: occupation × gender, Category "exit:…" or "six_months:…"
	ContactsInPeriod  int
	OccupationUnknown int // contacts in the period with the occupation unknown
	Survey            []SurveyShare
}

// BuildMunicipality computes the indicators of the municipality of tx for p,
// optionally for one sub-project (0 for all), and records the read.
func BuildMunicipality(ctx context.Context, tx db.Tx, p Period, subproject int, today time.Time) (Municipality, error) {
	m := Municipality{Period: p}
	if err := db.PlanEachQuery(ctx, tx); err != nil {
		return m, err
	}
	args := pgx.NamedArgs{"tenant": tx.TenantID, "from": p.From, "to": p.To, "sub": subproject, "today": today}
	// The people the period is about: enrolled at some time in it (in the sub-project, if one is chosen).
	const population = `
		SELECT DISTINCT e.participant_id FROM enrolments e
		WHERE e.tenant_id = @tenant AND e.starts_on <= @to AND (e.ends_on IS NULL OR e.ends_on >= @from)
		  AND (@sub::int = 0 OR e.subproject_id = @sub)`
	rows, _ := tx.Query(ctx, `SELECT month, value FROM kaa_list_by_month(@tenant, @today)`, args)
	var err error
	if m.ListSize, err = pgx.CollectRows(rows, pgx.RowToStructByPos[MonthCount]); err != nil {
		return m, fmt.Errorf("dashboard: list size: %w", err)
	}
	// The period's contacts come through contacts_between (an index on
	// their time); each person's first attempt and first reach are kept on
	// the person (refresh_participants).
	err = tx.QueryRow(ctx, `
		WITH pop AS (`+population+`),
		touched AS (
		    SELECT c.participant_id, bool_or(c.reached) AS reached
		    FROM contacts_between(@tenant, @from, @to) c GROUP BY c.participant_id),
		first AS (
		    SELECT p.identified_on, p.first_contact_at AS attempt, p.first_reached_at AS reached
		    FROM participants p
		    WHERE p.tenant_id = @tenant AND p.identified_on BETWEEN @from AND @to
		      AND (@sub::int = 0 OR p.id IN (SELECT participant_id FROM pop))),
		popstats AS (
		    SELECT count(*) AS n, count(t.participant_id) AS contacted, count(*) FILTER (WHERE t.reached) AS reached,
		           count(*) FILTER (WHERE p.has_plan) AS with_plan
		    FROM pop LEFT JOIN touched t ON t.participant_id = pop.participant_id
		    JOIN participants p ON p.tenant_id = @tenant AND p.id = pop.participant_id)
		SELECT
		    (SELECT count(*) FROM first),
		    coalesce((SELECT sum(planned_participants) FROM subprojects WHERE org_id = @tenant AND (@sub::int = 0 OR id = @sub)), 0),
		    n, contacted, reached, with_plan,
		    (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY (attempt AT TIME ZONE 'Europe/Stockholm')::date - identified_on) ::float8 FROM first WHERE attempt IS NOT NULL),
		    (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY (reached AT TIME ZONE 'Europe/Stockholm')::date - identified_on) ::float8 FROM first WHERE reached IS NOT NULL)
		FROM popstats`,
		args).Scan(&m.Identified, &m.Planned, &m.Population, &m.Contacted, &m.Reached, &m.WithPlan, &m.MedianDaysAttempt, &m.MedianDaysReached)
	if err != nil {
		return m, fmt.Errorf("dashboard: shares: %w", err)
	}
	// One pass over the period's contacts gives the channels and the
	// occupations left unknown.
	rows, _ = tx.Query(ctx, `
		SELECT c.channel, count(*), count(*) FILTER (WHERE c.reached), count(*) FILTER (WHERE c.occupation = 'unknown')
		FROM contacts_between(@tenant, @from, @to) c
		WHERE (@sub::int = 0 OR c.participant_id IN (`+population+`))
		GROUP BY c.channel ORDER BY count(*) FILTER (WHERE c.reached)::float / count(*) DESC, c.channel`, args)
	var ch ChannelReach
	var unknown int
	if _, err := pgx.ForEachRow(rows, []any{&ch.Channel, &ch.Attempts, &ch.Reached, &unknown}, func() error {
		m.Channels = append(m.Channels, ch)
		m.ContactsInPeriod += ch.Attempts
		m.OccupationUnknown += unknown
		return nil
	}); err != nil {
		return m, fmt.Errorf("dashboard: channels: %w", err)
	}
	rows, _ = tx.Query(ctx, `
		SELECT 'all', p.gender, count(*) FROM participants p
		WHERE p.tenant_id = @tenant AND p.id IN (`+population+`) GROUP BY p.gender ORDER BY p.gender`, args)
	if m.Genders, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Cell]); err != nil {
		return m, fmt.Errorf("dashboard: genders: %w", err)
	}
	rows, _ = tx.Query(ctx, `
		SELECT f.kind || ':' || f.occupation, p.gender, count(*) FROM followups f JOIN participants p ON p.tenant_id = f.tenant_id AND p.id = f.participant_id
		WHERE f.tenant_id = @tenant AND f.done_on BETWEEN @from AND @to AND (@sub::int = 0 OR f.participant_id IN (`+population+`))
		GROUP BY 1, 2 ORDER BY 1, 2`, args)
	if m.Outcomes, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Cell]); err != nil {
		return m, fmt.Errorf("dashboard: outcomes: %w", err)
	}
	rows, _ = tx.Query(ctx, `
		SELECT q.question, p.gender, count(*) FILTER (WHERE q.answer = 'yes'), count(*) FILTER (WHERE q.answer IN ('yes', 'no'))
		FROM followups f JOIN participants p ON p.tenant_id = f.tenant_id AND p.id = f.participant_id
		CROSS JOIN LATERAL (VALUES ('long_term_goal', f.survey_long_term_goal), ('clear_plan', f.survey_clear_plan),
		                           ('respect', f.survey_respect), ('no_barrier', f.survey_no_barrier)) q(question, answer)
		WHERE f.tenant_id = @tenant AND f.kind = 'exit' AND f.done_on BETWEEN @from AND @to
		  AND p.gender IN ('woman', 'man') AND (@sub::int = 0 OR f.participant_id IN (`+population+`))
		GROUP BY 1, 2 ORDER BY 1, 2`, args)
	if m.Survey, err = pgx.CollectRows(rows, pgx.RowToStructByPos[SurveyShare]); err != nil {
		return m, fmt.Errorf("dashboard: survey: %w", err)
	}
	return m, audit.Record(ctx, tx, audit.Event{Action: "dashboard.read", RecordType: "dashboard",
		Detail: map[string]any{"from": p.From.Format("2006-01-02"), "to": p.To.Format("2006-01-02"), "subproject": subproject}})
}
