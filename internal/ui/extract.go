package ui

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/moves"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sms"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// extract is a register extract (registerutdrag, GDPR art. 15): everything
// held about one person, as a document to print or save as PDF and give
// them. The person's coordinators reach it from the person's page, the
// municipality's administrators from the access-log review. It is in the
// audit log as what it is.
func (h *Handler) extract(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	o := orgFrom(ctx)
	now := participant.Local(time.Now())
	v := views.ExtractView{OrgName: o.Name, ProducedBy: principalFrom(ctx).Name, Produced: now.Format("2006-01-02 15:04"), Today: today()}
	err = h.inTenant(r, func(tx db.Tx) (err error) {
		if v.P, err = participant.Get(ctx, tx, id); err != nil {
			return err
		}
		if v.Coordinators, err = participant.CoordinatorNames(ctx, tx, v.P); err != nil {
			return err
		}
		if v.Enrolments, err = participant.Enrolments(ctx, tx, id); err != nil {
			return err
		}
		if v.Ends, err = enrolmentEnds(ctx, tx, id); err != nil {
			return err
		}
		if v.Corrections, err = participant.Corrections(ctx, tx, id); err != nil {
			return err
		}
		contacts, err := participant.Contacts(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, c := range contacts {
			x := views.ExtractContact{Contact: c}
			if c.Amended {
				if x.Original, err = participant.OriginalContact(ctx, tx, id, c.ID); err != nil {
					return err
				}
				if _, x.Amendments, err = participant.GetContact(ctx, tx, id, c.ID); err != nil {
					return err
				}
			}
			v.Contacts = append(v.Contacts, x)
		}
		if v.Mappings, err = participant.Mappings(ctx, tx, id); err != nil {
			return err
		}
		if v.Plans, err = participant.Plans(ctx, tx, id); err != nil {
			return err
		}
		if v.FollowUps, err = participant.FollowUps(ctx, tx, id); err != nil {
			return err
		}
		if v.Bookings, err = participant.Appointments(ctx, tx, id); err != nil {
			return err
		}
		if v.SMS, err = sms.History(ctx, tx, id); err != nil {
			return err
		}
		switch m, err := moves.Latest(ctx, tx, id); {
		case err == nil:
			v.Consents = m.Consents
		case !errors.Is(err, moves.ErrNotMoved):
			return err
		}
		switch d, err := participant.CurrentDecision(ctx, tx); {
		case err == nil:
			v.Retention = &d
		case !errors.Is(err, db.ErrNotFound):
			return err
		}
		if v.Access, _, err = audit.Review(ctx, tx, audit.Filter{ParticipantID: id, From: v.P.IdentifiedOn.AddDate(-1, 0, 0), To: today()}, 0); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "participant.extract", RecordType: "participant", RecordID: strconv.FormatInt(id, 10)})
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.Extract(h.page(r, "Registerutdrag"), v))
}

// enrolmentEnds reads what an avregistrering keeps besides its reason: the
// text of "annan orsak" and the municipality moved to, named from the
// official list (internal/codes), by its kommunkod only if not on it.
func enrolmentEnds(ctx context.Context, tx db.Tx, id int64) (map[int64]views.ExtractEnd, error) {
	rows, _ := tx.Query(ctx, `
		SELECT e.id, coalesce(e.end_note, ''), coalesce(e.moved_to, '')
		FROM enrolments e
		WHERE e.tenant_id = $1 AND e.participant_id = $2 AND (e.end_note IS NOT NULL OR e.moved_to IS NOT NULL)`, tx.TenantID, id)
	out := map[int64]views.ExtractEnd{}
	var eid int64
	var x views.ExtractEnd
	_, err := pgx.ForEachRow(rows, []any{&eid, &x.Note, &x.MovedTo}, func() error {
		x.MovedToName = codes.MunicipalityName(x.MovedTo)
		out[eid] = x
		return nil
	})
	return out, err
}
