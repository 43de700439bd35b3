package ui

import (
	"net/http"
	"strings"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// page builds the layout's data: who is signed in, where, the navigation of
// their roles there, and the flash message left by the previous action.
func (h *Handler) page(r *http.Request, title string) views.Page {
	ctx := r.Context()
	p := views.Page{Title: title, Assets: h.assets, User: principalFrom(ctx)}
	if p.User == nil {
		return p
	}
	p.Flash = h.sessions.PopString(ctx, sessFlash)
	here := r.URL.Path
	add := func(label, href string) {
		p.Nav = append(p.Nav, views.Link{Label: label, Href: href, Current: here == href})
	}
	current := ""
	if o, ok := ctx.Value(orgKey).(auth.Org); ok {
		current = "/k/" + o.Key + "/"
		p.Where = o.Name
		add("Översikt", current)
		if auth.HasAny(o.Roles, coordinator) {
			add("Deltagare", current+"deltagare")
			add("Att göra", current+"att-gora")
			h.dueBadge(r, &p.Nav[len(p.Nav)-1])
			add("Sök i anteckningar", current+"sok-anteckningar")
			add("SCB-rapport", current+"scb")
			add("ESF-månadsfil", current+"esf-manadsfil")
			add("Export", current+"export")
		}
		add("Statistik", current+"statistik")
		if auth.HasAny(o.Roles, tenantAdmin) {
			add("Användare", current+"anvandare")
			add("Överlämning", current+"overlamning")
			add("Inställningar", current+"installningar")
			add("Skolsystem", current+"skolsystem")
			add("Inloggning", current+"inloggning")
		}
	} else if pr, ok := ctx.Value(projectKey).(auth.Project); ok {
		current = "/p/" + pr.Key + "/"
		p.Where = "projekt " + pr.Name
		add("Projektöversikt", current)
		add("Paraply", current+"paraply")
		add("ESF+", current+"esf")
		add("Export", current+"export")
	} else if strings.HasPrefix(here, "/admin/") {
		p.Where = "systemadministrationen"
		add("Systemadministration", "/admin/")
	}
	for _, o := range p.User.Orgs {
		if href := "/k/" + o.Key + "/"; href != current {
			p.Switch = append(p.Switch, views.Link{Label: o.Name, Href: href})
		}
	}
	for _, pr := range p.User.Projects {
		if href := "/p/" + pr.Key + "/"; href != current {
			p.Switch = append(p.Switch, views.Link{Label: "Projekt " + pr.Name, Href: href})
		}
	}
	if p.User.SystemAdmin && !strings.HasPrefix(here, "/admin/") {
		p.Switch = append(p.Switch, views.Link{Label: "Systemadministration", Href: "/admin/"})
	}
	return p
}

// flash leaves a message for the next page the user sees.
func (h *Handler) flash(r *http.Request, msg string) {
	h.sessions.Put(r.Context(), sessFlash, msg)
}
