package participant

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/kaa-plattform/kaa/internal/db"
)

// Page is everything the person page shows about one participant.
type Page struct {
	P            Participant
	Coordinators []string // the names of P's coordinators
	Enrolments   []Enrolment
	Corrections  []Correction
	Contacts     []Contact
	Plans        []Plan    // newest first
	Mappings     []Mapping // newest first
	FollowUps    []FollowUp
	Appointments []Appointment // booked meetings and planned actions
	Subprojects  []Subproject  // the municipality's, to enrol in
	Timeline     []TimelineEvent
}

// HasPlan reports whether the participant has a plan.
func (pg Page) HasPlan() bool { return len(pg.Plans) > 0 }

// HasMapping reports whether the participant has been mapped (kartlagd).
func (pg Page) HasMapping() bool { return len(pg.Mappings) > 0 }

// LoadPage reads Page of participant id; each part is in the audit log as
// its own function records it. Returns db.ErrNotFound if id is not
// registered here.
func LoadPage(ctx context.Context, tx db.Tx, id int64) (pg Page, err error) {
	if pg.P, err = Get(ctx, tx, id); err != nil {
		return pg, err
	}
	if pg.Enrolments, err = Enrolments(ctx, tx, id); err != nil {
		return pg, err
	}
	if pg.Contacts, err = Contacts(ctx, tx, id); err != nil {
		return pg, err
	}
	if pg.Subprojects, err = Subprojects(ctx, tx); err != nil {
		return pg, err
	}
	if pg.Coordinators, err = CoordinatorNames(ctx, tx, pg.P); err != nil {
		return pg, err
	}
	if pg.Plans, err = Plans(ctx, tx, id); err != nil {
		return pg, err
	}
	if pg.Mappings, err = Mappings(ctx, tx, id); err != nil {
		return pg, err
	}
	if pg.FollowUps, err = FollowUps(ctx, tx, id); err != nil {
		return pg, err
	}
	if pg.Corrections, err = Corrections(ctx, tx, id); err != nil {
		return pg, err
	}
	if pg.Appointments, err = Appointments(ctx, tx, id); err != nil {
		return pg, err
	}
	pg.Timeline, err = timeline(ctx, tx, pg)
	return pg, err
}

// timeline merges everything that happened to a participant, with the
// status changes it caused, newest first.
func timeline(ctx context.Context, tx db.Tx, pg Page) ([]TimelineEvent, error) {
	p, enrolments, fixes, contacts, plans, mappings, followUps := pg.P, pg.Enrolments, pg.Corrections, pg.Contacts, pg.Plans, pg.Mappings, pg.FollowUps
	events := []TimelineEvent{{At: p.IdentifiedOn, Kind: "identified"}}
	for i := range plans {
		events = append(events, TimelineEvent{At: plans[i].CreatedAt, Kind: "plan", Plan: &plans[i]})
	}
	// Measures of the current plan: when each started and ended.
	if len(plans) > 0 {
		ms := plans[0].Measures
		for i := range ms {
			if ms[i].StartsOn != nil && !ms[i].StartsOn.After(Today()) {
				events = append(events, TimelineEvent{At: *ms[i].StartsOn, Kind: "measure_start", Measure: &ms[i]})
			}
			if ms[i].EndsOn != nil {
				events = append(events, TimelineEvent{At: *ms[i].EndsOn, Kind: "measure_end", Measure: &ms[i]})
			}
		}
	}
	for i := range followUps {
		if followUps[i].DoneOn != nil {
			events = append(events, TimelineEvent{At: *followUps[i].DoneOn, Kind: "followup", FollowUp: &followUps[i]})
		}
	}
	for i := range mappings {
		events = append(events, TimelineEvent{At: mappings[i].CreatedAt, Kind: "mapping", Mapping: &mappings[i]})
	}
	for i := range enrolments {
		e := &enrolments[i]
		events = append(events, TimelineEvent{At: e.StartsOn, Kind: "enrolment_start", Enrol: e})
		if e.EndsOn != nil {
			events = append(events, TimelineEvent{At: *e.EndsOn, Kind: "enrolment_end", Enrol: e})
		}
	}
	for i := range fixes {
		events = append(events, TimelineEvent{At: fixes[i].At, Kind: "correction", Fix: &fixes[i]})
	}
	for i := range contacts {
		events = append(events, TimelineEvent{At: contacts[i].OccurredAt, Kind: "contact", Contact: &contacts[i]})
	}
	events = append(events, appointmentEvents(pg.Appointments)...)
	sort.SliceStable(events, func(i, j int) bool { return events[i].At.Before(events[j].At) })
	// Walk forward in time, note the facts after each event, and ask the
	// database's rule (StatusesAt, the one the stored status
	// uses) where the status moved.
	var f StatusFacts
	facts := make([]StatusFacts, len(events))
	for i, e := range events {
		switch e.Kind {
		case "enrolment_start":
			f.Open, f.Enrolments = f.Open+1, f.Enrolments+1
		case "enrolment_end":
			f.Open--
		case "plan":
			f.Plan = true
		case "contact":
			f.Contacted = true
			f.Reached = f.Reached || e.Contact.Reached
		}
		facts[i] = f
	}
	statuses, err := StatusesAt(ctx, tx, facts)
	if err != nil {
		return nil, err
	}
	status := StatusIdentified
	var out []TimelineEvent
	for i, e := range events {
		out = append(out, e)
		if next := statuses[i]; next != status {
			out = append(out, TimelineEvent{At: e.At, Kind: "status", Status: next})
			status = next
		}
	}
	slices.Reverse(out)
	return out, nil
}

// Timeline event kinds of a booking.
const (
	EventAppointmentBooked    = "appointment_booked"
	EventAppointmentHeld      = "appointment_held"
	EventAppointmentCancelled = "appointment_cancelled"
)

// appointmentEvents are the bookings' events in the timeline: booked (when
// it was booked; not for a meeting recorded as already held), held (at its
// time, or when it was marked held if that was earlier) and cancelled (when
// it was cancelled). They change no status.
func appointmentEvents(as []Appointment) []TimelineEvent {
	var out []TimelineEvent
	for i := range as {
		a := &as[i]
		recordedHeld := a.DoneAt != nil && !a.DoneAt.After(a.CreatedAt.Add(time.Minute)) && a.DueAt.Before(a.CreatedAt)
		if !recordedHeld {
			out = append(out, TimelineEvent{At: a.CreatedAt, Kind: EventAppointmentBooked, Appointment: a})
		}
		switch {
		case a.DoneAt != nil:
			at := a.DueAt
			if a.DoneAt.Before(at) {
				at = *a.DoneAt
			}
			out = append(out, TimelineEvent{At: at, Kind: EventAppointmentHeld, Appointment: a})
		case a.CancelledAt != nil:
			out = append(out, TimelineEvent{At: *a.CancelledAt, Kind: EventAppointmentCancelled, Appointment: a})
		}
	}
	return out
}

// CoordinatorNames are the names of p's coordinators.
func CoordinatorNames(ctx context.Context, tx db.Tx, p Participant) ([]string, error) {
	coords, err := Coordinators(ctx, tx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range coords {
		if slices.Contains(p.Coordinators, c.ID) {
			names = append(names, c.Name)
		}
	}
	return names, nil
}
