package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/org"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// ownedProject is the URL's project when the URL's organisation owns it;
// to anyone else it does not exist.
func (h *Handler) ownedProject(r *http.Request) (org.Project, error) {
	return org.ProjectOwnedBy(r.Context(), h.pool, chi.URLParam(r, "project"), orgFrom(r.Context()).ID)
}

func (h *Handler) projectSetup(w http.ResponseWriter, r *http.Request) {
	h.renderProjectSetup(w, r, http.StatusOK, nil, nil)
}

func (h *Handler) renderProjectSetup(w http.ResponseWriter, r *http.Request, status int, values map[string]string, errs views.Errors) {
	ctx := r.Context()
	p, err := h.ownedProject(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := views.ProjectSetupView{Base: fmt.Sprintf("/k/%s/projekt/%s", orgFrom(ctx).Key, p.Key), Name: p.Name, Values: values, Errors: errs}
	members, err := org.Members(ctx, h.pool, p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	isMember := map[int]bool{}
	for _, m := range members {
		isMember[m.ID] = true
		v.Members = append(v.Members, views.Option{Value: strconv.Itoa(m.ID), Label: m.Name})
	}
	invited, err := org.Invited(ctx, h.pool, p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, m := range invited {
		isMember[m.ID] = true
		v.Invited = append(v.Invited, views.Option{Value: strconv.Itoa(m.ID), Label: m.Name})
	}
	all, err := org.List(ctx, h.pool)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, o := range all {
		if !isMember[o.ID] {
			v.Candidates = append(v.Candidates, views.Option{Value: strconv.Itoa(o.ID), Label: o.Name})
		}
	}
	subs, err := org.Subprojects(ctx, h.pool, p.ID, 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Subs = orgProjectView(p, subs).Subprojects
	if v.Values == nil {
		v.Values = map[string]string{"starts_on": views.Date(p.StartsOn), "ends_on": views.Date(p.EndsOn)}
		targets, err := org.Targets(ctx, h.pool, p.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, t := range targets {
			v.Values[t.Indicator] = strconv.FormatFloat(t.Target, 'f', -1, 64)
		}
	}
	h.render(w, r, status, views.ProjectSetup(h.page(r, "Projektets upplägg"), v))
}

// projectWrite checks the form with check, then writes with write in one
// transaction, then returns to the set-up page. A destructive write gives
// ask, the question it is rolled back for until the answer is yes.
func (h *Handler) projectWrite(w http.ResponseWriter, r *http.Request, check func(map[string]string, *views.Errors), ask func(org.Project) (views.Confirm, error), write func(pgx.Tx, org.Project, map[string]string) error, done string) {
	p, err := h.ownedProject(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.readForm(w, r, 16<<10) {
		return
	}
	values := map[string]string{}
	for k := range r.PostForm {
		values[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	var errs views.Errors
	check(values, &errs)
	if !errs.Any() {
		err = db.InGlobal(r.Context(), h.pool, principalFrom(r.Context()).UserID, func(tx pgx.Tx) error {
			if err := write(tx, p, values); err != nil || ask == nil {
				return err
			}
			return unlessConfirmed(r)
		})
		switch {
		case h.asked(w, r, err, func() (views.Confirm, error) { return ask(p) }):
			return
		case errors.Is(err, org.ErrNotInvited):
			h.notFound(w, r)
			return
		case errors.Is(err, org.ErrUnknownOrg):
			errs.Add("member", "Välj en av organisationerna i listan.")
		case errors.Is(err, org.ErrNotMember):
			errs.Add("member", "Organisationen är inte med i projektet.")
		case errors.Is(err, org.ErrMemberInUse):
			errs.Add("member", "Organisationen har delprojekt i projektet och kan inte tas bort.")
		case errors.Is(err, db.ErrConflict):
			errs.Add("sub_name", "Organisationen har redan ett delprojekt med det namnet.")
		case errors.Is(err, db.ErrNotFound):
			errs.Add("sub_org", "Välj en av projektets organisationer.")
		case err != nil:
			h.fail(w, r, err)
			return
		}
	}
	if errs.Any() {
		h.renderProjectSetup(w, r, http.StatusUnprocessableEntity, values, errs)
		return
	}
	h.flash(r, done)
	http.Redirect(w, r, fmt.Sprintf("/k/%s/projekt/%s", orgFrom(r.Context()).Key, p.Key), http.StatusSeeOther)
}

func (h *Handler) projectPeriod(w http.ResponseWriter, r *http.Request) {
	var from, to time.Time
	h.projectWrite(w, r, func(v map[string]string, errs *views.Errors) {
		var e1, e2 error
		from, e1 = time.Parse(time.DateOnly, v["starts_on"])
		to, e2 = time.Parse(time.DateOnly, v["ends_on"])
		if e1 != nil {
			errs.Add("starts_on", "Skriv startdatum som ÅÅÅÅ-MM-DD.")
		}
		if e2 != nil {
			errs.Add("ends_on", "Skriv slutdatum som ÅÅÅÅ-MM-DD.")
		} else if e1 == nil && to.Before(from) {
			errs.Add("ends_on", "Slutdatum kan inte ligga före startdatum.")
		}
	}, nil, func(tx pgx.Tx, p org.Project, _ map[string]string) error {
		return org.SetPeriod(r.Context(), tx, p.ID, from, to)
	}, "Perioden är sparad.")
}

func (h *Handler) projectTargets(w http.ResponseWriter, r *http.Request) {
	parsed := map[string]*float64{}
	h.projectWrite(w, r, func(v map[string]string, errs *views.Errors) {
		for _, t := range dashboard.FormTargets() {
			s := strings.ReplaceAll(v[t.Key], ",", ".")
			if s == "" {
				parsed[t.Key] = nil
				continue
			}
			n, err := strconv.ParseFloat(s, 64)
			if err != nil || n < 0 || n > t.Max() {
				errs.Add(t.Key, fmt.Sprintf("%s: skriv ett tal mellan 0 och %.0f.", t.Label, t.Max()))
				continue
			}
			parsed[t.Key] = &n
		}
	}, nil, func(tx pgx.Tx, p org.Project, _ map[string]string) error {
		for _, t := range dashboard.FormTargets() {
			if err := org.SetTarget(r.Context(), tx, p.ID, t.Key, parsed[t.Key]); err != nil {
				return err
			}
		}
		return nil
	}, "Målen är sparade.")
}

// projectAddMember invites an organisation: it joins when its own
// administrator accepts (answerInvitation).
func (h *Handler) projectAddMember(w http.ResponseWriter, r *http.Request) {
	var id int
	h.projectWrite(w, r, func(v map[string]string, errs *views.Errors) {
		if id = atoiOr0(v["member"]); id == 0 {
			errs.Add("member", "Välj en organisation.")
		}
	}, nil, func(tx pgx.Tx, p org.Project, _ map[string]string) error {
		return org.Invite(r.Context(), tx, p.ID, id)
	}, "Inbjudan är skickad. Organisationen blir med i projektet när dess administratör har tackat ja.")
}

func (h *Handler) projectWithdrawInvitation(w http.ResponseWriter, r *http.Request) {
	id := atoiOr0(chi.URLParam(r, "org"))
	h.projectWrite(w, r, func(map[string]string, *views.Errors) {}, func(p org.Project) (views.Confirm, error) {
		invited, err := org.Invited(r.Context(), h.pool, p.ID)
		name := "organisationen"
		for _, m := range invited {
			if m.ID == id {
				name = m.Name
			}
		}
		return views.Confirm{
			Question:    fmt.Sprintf("Dra tillbaka inbjudan till %s?", name),
			Consequence: fmt.Sprintf("%s kan då inte längre tacka ja till %s. Ni kan bjuda in organisationen igen.", name, p.Name),
			Yes:         "Ja, dra tillbaka inbjudan",
			Back:        fmt.Sprintf("/k/%s/projekt/%s", orgFrom(r.Context()).Key, p.Key),
		}, err
	}, func(tx pgx.Tx, p org.Project, _ map[string]string) error {
		return org.Withdraw(r.Context(), tx, p.ID, id)
	}, "Inbjudan är tillbakadragen.")
}

func (h *Handler) projectRemoveMember(w http.ResponseWriter, r *http.Request) {
	id := atoiOr0(chi.URLParam(r, "org"))
	h.projectWrite(w, r, func(map[string]string, *views.Errors) {}, func(p org.Project) (views.Confirm, error) {
		members, err := org.Members(r.Context(), h.pool, p.ID)
		name := "organisationen"
		for _, m := range members {
			if m.ID == id {
				name = m.Name
			}
		}
		return views.Confirm{
			Question:    fmt.Sprintf("Ta bort %s ur %s?", name, p.Name),
			Consequence: fmt.Sprintf("%s räknas inte längre med i projektets paraply och statistik. Inget av det %s har dokumenterat tas bort, och organisationen kan läggas till igen.", name, name),
			Yes:         "Ja, ta bort ur projektet",
			Back:        fmt.Sprintf("/k/%s/projekt/%s", orgFrom(r.Context()).Key, p.Key),
		}, err
	}, func(tx pgx.Tx, p org.Project, _ map[string]string) error {
		return org.RemoveMember(r.Context(), tx, p.ID, id)
	}, "Organisationen är borttagen ur projektet.")
}

func (h *Handler) projectAddSubproject(w http.ResponseWriter, r *http.Request) {
	var orgID int
	var planned *int
	h.projectWrite(w, r, func(v map[string]string, errs *views.Errors) {
		if orgID = atoiOr0(v["sub_org"]); orgID == 0 {
			errs.Add("sub_org", "Välj en av projektets organisationer.")
		}
		if v["sub_name"] == "" || len([]rune(v["sub_name"])) > 200 {
			errs.Add("sub_name", "Skriv delprojektets namn (högst 200 tecken).")
		}
		if s := v["sub_planned"]; s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || n > 1e6 {
				errs.Add("sub_planned", "Skriv antalet planerade deltagare som ett heltal.")
			}
			planned = &n
		}
	}, nil, func(tx pgx.Tx, p org.Project, v map[string]string) error {
		return org.AddSubproject(r.Context(), tx, p.ID, orgID, v["sub_name"], v["sub_focus"], planned)
	}, "Delprojektet är tillagt.")
}
