package scb

import (
	"fmt"
	"time"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/kaa-plattform/kaa/internal/sv"
)

// check runs on the rows of r the logical checks SCB runs on upload, and
// flags what would reach SCB as "uppgift saknas". What the database already
// refuses (an avregistrering or a finished åtgärd without a reason, an end
// before its start) is not checked again here.
func check(r Report, births map[int64]time.Time) []Finding {
	var out []Finding
	add := func(kind string, row Row, date time.Time, field string) *Finding {
		out = append(out, Finding{Kind: kind, ParticipantID: row.ParticipantID, Name: row.Name, Personnummer: row.Personnummer,
			Date: date, Field: field, Measure: row.Keys["measure"]})
		return &out[len(out)-1]
	}
	contacted := map[int64]bool{}
	for _, row := range r.Rows {
		if row.Record == "contact" {
			contacted[row.ParticipantID] = true
		}
	}
	h := r.Half
	for _, row := range r.Rows {
		switch row.Record {
		case "registration":
			if _, err := personnummer.Parse(row.Personnummer, r.Today); err != nil {
				add("pnr", row, time.Time{}, "").Message = personnummer.Message(err)
			}
			// Under 20 on every day of the half-year the person is registered:
			// an avregistrering on the 20th birthday is right.
			last := h.End()
			if end, ok := row.Dates[kaaEnds]; ok && end.Before(last) {
				last = end
			}
			if turns20 := births[row.ParticipantID].AddDate(20, 0, 0); turns20.Before(last) {
				add("age", row, turns20, "")
			}
			if row.Keys["registration_reason"] == codes.Unknown {
				add("reason_missing", row, time.Time{}, "")
			}
			if d := row.Dates["registered_on"]; d.After(r.Today) {
				add("future", row, d, "registered_on")
			}
			_, ended := row.Dates[kaaEnds]
			if row.Dates["registered_on"].After(h.Start()) || (ended && row.Dates[kaaEnds].Before(h.End())) || contacted[row.ParticipantID] {
				continue
			}
			add("no_contact", row, time.Time{}, "")
		case "contact":
			if row.Keys["contact_occupation"] == codes.Unknown {
				add("occupation_unknown", row, row.Dates["contact_on"], "")
			}
		case "measure_started":
			if d := row.Dates["measure_start"]; d.After(r.Today) {
				add("future", row, d, "measure_start")
			}
		case "measure_ended":
			end := row.Dates["measure_end"]
			if end.After(r.Today) {
				add("future", row, end, "measure_end")
			}
			start, started := row.Dates["measure_start"]
			declined := row.Keys["measure_end_reason"] == "declined"
			switch {
			case declined && started:
				add("declined_started", row, start, "")
			case !declined && !started:
				add("measure_no_start", row, end, "")
			}
			if !declined {
				if _, ok := row.Keys["occupation_after"]; !ok {
					add("occupation_after", row, end, "")
				}
			}
		case "deregistration":
			if d := row.Dates["deregistered_on"]; d.After(r.Today) {
				add("future", row, d, "deregistered_on")
			}
			if row.Keys["deregistration_reason"] == "moved" && row.Keys["moved_to"] == "" {
				add("moved_to_missing", row, row.Dates["deregistered_on"], "")
			}
		}
	}
	order := map[string]int{}
	for i, k := range Kinds {
		order[k] = i
	}
	sv.SortBy(out, func(f Finding) string { return fmt.Sprintf("%02d %s", order[f.Kind], f.Name) })
	return out
}
