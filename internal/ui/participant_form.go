package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/kaalist"
	"github.com/kaa-plattform/kaa/internal/moves"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// participantForm is what the register form posted, checked.
type participantForm struct {
	fields       participant.Fields
	values       map[string]string
	errs         views.Errors
	enrol        string // "", "kaa" or a sub-project id
	reason       string
	labour       *string // ESF+ entry data, for a sub-project
	education    *string
	coordinators []int
}

var (
	genders          = codes.Gender.Keys()
	upperSecondaries = codes.UpperSecondary.Keys()
	sources          = codes.Source.Keys()
)

func parseParticipantForm(r *http.Request, now time.Time, creating bool) participantForm {
	f := participantForm{values: map[string]string{}}
	for _, k := range []string{"personnummer", "first_name", "last_name", "gender", "mobile", "email", "street", "postal_code", "city",
		"compulsory_done", "upper_secondary", "programme", "left_school_on", "source", "identified_on", "enrol", "registration_reason", "labour_market", "education", "move_notice", "no_sms"} {
		f.values[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	v := f.values
	pf := &f.fields
	if v["personnummer"] == "" {
		f.errs.Add("personnummer", "Skriv personnummer eller samordningsnummer.")
	} else if n, err := personnummer.Parse(v["personnummer"], now); err != nil {
		f.errs.Add("personnummer", personnummer.Message(err))
	} else {
		pf.Personnummer, pf.BirthDate = n.String(), n.Birth()
	}
	pf.FirstName, pf.LastName = v["first_name"], v["last_name"]
	for _, k := range []struct{ key, what string }{{"first_name", "förnamn"}, {"last_name", "efternamn"}} {
		if v[k.key] == "" {
			f.errs.Add(k.key, "Skriv personens "+k.what+".")
		} else if len([]rune(v[k.key])) > 100 {
			f.errs.Add(k.key, "Högst 100 tecken.")
		}
	}
	pf.Gender = v["gender"]
	if pf.Gender == "" {
		pf.Gender = "not_stated"
	} else if !slices.Contains(genders, pf.Gender) {
		f.errs.Add("gender", "Välj ett av alternativen.")
	}
	if v["mobile"] != "" {
		// Stored as the import stores it (+467…), so a re-import sees no change.
		var ok bool
		if pf.Mobile, ok = kaalist.NormalizeMobile(v["mobile"]); !ok {
			f.errs.Add("mobile", "Skriv ett svenskt mobilnummer, till exempel 070-123 45 67. Det används för sms.")
		}
	}
	pf.NoSMS = v["no_sms"] == "yes"
	pf.Email = strings.ToLower(v["email"])
	if pf.Email != "" {
		if a, err := mail.ParseAddress(pf.Email); err != nil || a.Address != pf.Email {
			f.errs.Add("email", "Skriv e-postadressen i formen namn@exempel.se.")
		}
	}
	pf.Street, pf.City = v["street"], v["city"]
	pf.PostalCode = strings.ReplaceAll(v["postal_code"], " ", "")
	if pf.PostalCode != "" && (len(pf.PostalCode) != 5 || strings.Trim(pf.PostalCode, "0123456789") != "") {
		f.errs.Add("postal_code", "Postnumret har fem siffror, till exempel 283 31.")
	}
	switch v["compulsory_done"] {
	case "yes":
		pf.CompulsoryDone = new(true)
	case "no":
		pf.CompulsoryDone = new(false)
	}
	pf.UpperSecondary = v["upper_secondary"]
	if pf.UpperSecondary == "" {
		pf.UpperSecondary = "unknown"
	} else if !slices.Contains(upperSecondaries, pf.UpperSecondary) {
		f.errs.Add("upper_secondary", "Välj ett av alternativen.")
	}
	pf.Programme = v["programme"]
	if d, msg := parseDate(v["left_school_on"], now, false); msg != "" {
		f.errs.Add("left_school_on", msg)
	} else if !d.IsZero() {
		pf.LeftSchoolOn = &d
	}
	pf.Source = v["source"]
	if pf.Source == "" {
		pf.Source = "other"
	} else if !slices.Contains(sources, pf.Source) {
		f.errs.Add("source", "Välj ett av alternativen.")
	}
	if v["identified_on"] == "" {
		v["identified_on"] = views.Date(now)
	}
	if d, msg := parseDate(v["identified_on"], now, true); msg != "" {
		f.errs.Add("identified_on", msg)
	} else {
		pf.IdentifiedOn = d
	}
	for _, s := range r.PostForm["coordinator"] {
		if id := atoiOr0(s); id > 0 && !slices.Contains(f.coordinators, id) {
			f.coordinators = append(f.coordinators, id)
		}
	}
	f.enrol = v["enrol"]
	f.reason = v["registration_reason"]
	if creating && f.enrol == "kaa" {
		// No reason is preselected: a default would be a guess that ends
		// up in SCB's statistics. "Uppgift saknas" is a choice of its own.
		switch {
		case f.reason == "":
			f.errs.Add("registration_reason", "Välj orsak till registrering. Vet du inte, välj ”Uppgift saknas”.")
		case !slices.Contains(participant.RegistrationReasons, f.reason):
			f.errs.Add("registration_reason", "Välj ett av alternativen.")
		}
	}
	if creating && f.enrol != "" && f.enrol != "kaa" {
		f.labour, f.education = esfEntry(v, &f.errs)
	}
	if creating && f.enrol != "" && pf.Personnummer != "" {
		kind := "project"
		if f.enrol == "kaa" {
			kind = "kaa"
		}
		if msg := participant.EnrolAgeProblem(kind, pf.BirthDate, pf.IdentifiedOn); msg != "" {
			f.errs.Add("enrol", msg)
		}
	}
	return f
}

// esfEntry reads what ESF+ asks of a project participant at entry, adding a
// message at each field that is missing.
func esfEntry(v map[string]string, errs *views.Errors) (labour, education *string) {
	if lm := v["labour_market"]; slices.Contains(participant.LabourMarketStatuses, lm) {
		labour = &lm
	} else {
		errs.Add("labour_market", "Välj personens ställning på arbetsmarknaden när hen börjar i projektet. ESF+ frågar efter den för alla deltagare.")
	}
	if ed := v["education"]; slices.Contains(participant.EducationLevels, ed) {
		education = &ed
	} else {
		errs.Add("education", "Välj den högsta utbildning personen har avslutat när hen börjar i projektet.")
	}
	return labour, education
}

func (h *Handler) participantNew(w http.ResponseWriter, r *http.Request) {
	h.renderParticipantForm(w, r, http.StatusOK, views.ParticipantFormView{
		Values: map[string]string{"gender": "not_stated", "identified_on": views.Date(today()), "enrol": "kaa", "upper_secondary": ""},
	}, 0)
}

func (h *Handler) renderParticipantForm(w http.ResponseWriter, r *http.Request, status int, v views.ParticipantFormView, id int64) {
	ctx := r.Context()
	v.Action = h.participantBase(r)
	title := "Registrera en ungdom"
	if id != 0 {
		v.Action, v.Editing, title = fmt.Sprintf("%s/%d", v.Action, id), true, "Ändra uppgifter"
	}
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if v.Subprojects, err = participant.Subprojects(ctx, tx); err != nil {
			return err
		}
		if id != 0 {
			if v.InProject, err = participant.InProject(ctx, tx, id); err != nil {
				return err
			}
		}
		v.Coordinators, err = participant.Coordinators(ctx, tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Assigned == nil && id == 0 {
		v.Assigned = []int{principalFrom(ctx).UserID}
	}
	h.render(w, r, status, views.ParticipantForm(h.page(r, title), v))
}

func (h *Handler) participantCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !h.readForm(w, r, 32<<10) {
		return
	}
	now := today()
	f := parseParticipantForm(r, now, true)
	var sub *int
	if f.enrol != "" && f.enrol != "kaa" {
		id := atoiOr0(f.enrol)
		sub = &id
	}
	if f.errs.Any() {
		h.renderParticipantForm(w, r, http.StatusUnprocessableEntity, views.ParticipantFormView{Values: f.values, Errors: f.errs, Assigned: f.coordinators}, 0)
		return
	}
	if sub == nil { // gender only for a project participant (docs/privacy.md)
		f.fields.Gender = "not_stated"
	}
	// The creator is assigned unless the form said otherwise.
	reg := participant.Registration{Fields: f.fields, Coordinators: f.coordinators,
		Chosen: len(f.coordinators) > 0 || r.PostForm.Get("coordinators_shown") != ""}
	switch {
	case f.enrol == "kaa":
		reg.Enrolment = &participant.Enrolment{Kind: "kaa", StartsOn: f.fields.IdentifiedOn, RegistrationReason: f.reason}
	case sub != nil:
		reg.Enrolment = &participant.Enrolment{Kind: "project", SubprojectID: sub, StartsOn: f.fields.IdentifiedOn,
			LabourMarket: f.labour, Education: f.education}
	}
	var id int64
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if id, err = participant.Register(ctx, tx, reg); err != nil {
			return err
		}
		// Registered from a notice of a move here (docs/design/moves.md).
		return moves.Registered(ctx, tx, int64(atoiOr0(f.values["move_notice"])), id)
	})
	var exists *participant.ExistsError
	switch {
	case errors.Is(err, participant.ErrNotCoordinator):
		f.errs.Add("coordinators", "Välj bland kommunens samordnare.")
		h.renderParticipantForm(w, r, http.StatusUnprocessableEntity, views.ParticipantFormView{Values: f.values, Errors: f.errs, Assigned: f.coordinators}, 0)
		return
	case errors.As(err, &exists):
		h.flash(r, "Personen finns redan i registret. Här är hennes eller hans uppgifter – ingen ny post skapades.")
		http.Redirect(w, r, fmt.Sprintf("%s/%d", h.participantBase(r), exists.ID), http.StatusSeeOther)
		return
	case errors.Is(err, db.ErrNotFound):
		f.errs.Add("enrol", "Välj KAA-registret eller ett av kommunens delprojekt.")
		h.renderParticipantForm(w, r, http.StatusUnprocessableEntity, views.ParticipantFormView{Values: f.values, Errors: f.errs, Assigned: f.coordinators}, 0)
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	// The flash lives in the session store, outside the register: no name in it.
	h.flash(r, "Personen är registrerad.")
	http.Redirect(w, r, fmt.Sprintf("%s/%d", h.participantBase(r), id), http.StatusSeeOther)
}

func (h *Handler) participantEdit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var p participant.Participant
	if err := h.inTenant(r, func(tx db.Tx) (err error) { p, err = participant.Get(ctx, tx, id); return err }); err != nil {
		h.fail(w, r, err)
		return
	}
	values := map[string]string{
		"personnummer": views.FormatPnr(p.Personnummer), "first_name": p.FirstName, "last_name": p.LastName, "gender": p.Gender,
		"mobile": p.Mobile, "email": p.Email, "street": p.Street, "postal_code": p.PostalCode, "city": p.City,
		"upper_secondary": p.UpperSecondary, "programme": p.Programme, "left_school_on": views.DatePtr(p.LeftSchoolOn),
		"source": p.Source, "identified_on": views.Date(p.IdentifiedOn), "no_sms": map[bool]string{true: "yes"}[p.NoSMS],
	}
	if values["left_school_on"] == "–" {
		values["left_school_on"] = ""
	}
	if p.CompulsoryDone != nil {
		values["compulsory_done"] = map[bool]string{true: "yes", false: "no"}[*p.CompulsoryDone]
	}
	h.renderParticipantForm(w, r, http.StatusOK, views.ParticipantFormView{Values: values, Assigned: p.Coordinators}, id)
}

func (h *Handler) participantUpdate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Another municipality's id is not found, whatever the form says.
	if err := h.inTenant(r, func(tx db.Tx) error { return participant.Exists(ctx, tx, id) }); err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, 32<<10) {
		return
	}
	f := parseParticipantForm(r, today(), false)
	if f.errs.Any() {
		h.renderParticipantForm(w, r, http.StatusUnprocessableEntity, views.ParticipantFormView{Values: f.values, Errors: f.errs, Assigned: f.coordinators}, id)
		return
	}
	err = h.inTenant(r, func(tx db.Tx) error { return participant.Edit(ctx, tx, id, f.fields, f.coordinators) })
	var exists *participant.ExistsError
	if errors.Is(err, participant.ErrNotCoordinator) {
		f.errs.Add("coordinators", "Välj bland kommunens samordnare.")
	} else if errors.As(err, &exists) {
		f.errs.Add("personnummer", "En annan person i registret har det här personnumret. Kontrollera siffrorna.")
	}
	if f.errs.Any() {
		h.renderParticipantForm(w, r, http.StatusUnprocessableEntity, views.ParticipantFormView{Values: f.values, Errors: f.errs, Assigned: f.coordinators}, id)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Uppgifterna är sparade.")
	http.Redirect(w, r, fmt.Sprintf("%s/%d", h.participantBase(r), id), http.StatusSeeOther)
}
