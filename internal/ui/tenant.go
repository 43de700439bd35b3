package ui

import (
	"context"
	"net/http"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/org"
	"github.com/kaa-plattform/kaa/internal/sv"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

func orgFrom(ctx context.Context) auth.Org {
	o, _ := ctx.Value(orgKey).(auth.Org)
	return o
}

// inTenant runs fn in a transaction scoped to the request's organisation,
// acting as the signed-in user.
func (h *Handler) inTenant(r *http.Request, fn func(db.Tx) error) error {
	ctx := r.Context()
	return db.InTenant(ctx, h.pool, orgFrom(ctx).ID, principalFrom(ctx).UserID, fn)
}

func (h *Handler) tenantHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o := orgFrom(ctx)
	v := views.TenantHomeView{OrgKey: o.Key, OrgName: o.Name, Roles: o.Roles,
		IsAdmin: auth.HasAny(o.Roles, tenantAdmin), Coordinator: auth.HasAny(o.Roles, coordinator)}
	err := h.inTenant(r, func(tx db.Tx) error {
		full, err := org.ByKey(ctx, tx, o.Key)
		if err != nil {
			return err
		}
		if full.Kind == "municipality" {
			v.Kommunkod = full.Key
		}
		if v.IsAdmin {
			if err := tx.QueryRow(ctx, `SELECT count(DISTINCT user_id) FROM memberships WHERE tenant_id = $1`, tx.TenantID).Scan(&v.UserCount); err != nil {
				return err
			}
			owned, err := org.OwnedProjects(ctx, tx, o.ID)
			if err != nil {
				return err
			}
			for _, p := range owned {
				v.Owned = append(v.Owned, views.Link{Label: p.Name, Href: "/k/" + o.Key + "/projekt/" + p.Key})
			}
			invitations, err := org.InvitationsOf(ctx, tx)
			if err != nil {
				return err
			}
			for _, p := range invitations {
				v.Invitations = append(v.Invitations, orgProjectView(p, nil))
			}
		}
		projects, err := org.ProjectsOf(ctx, tx, o.ID)
		if err != nil {
			return err
		}
		for _, p := range projects {
			subs, err := org.Subprojects(ctx, tx, p.ID, o.ID)
			if err != nil {
				return err
			}
			v.Projects = append(v.Projects, orgProjectView(p, subs))
		}
		return nil
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.TenantHome(h.page(r, o.Name), v))
}

func orgProjectView(p org.Project, subs []org.Subproject) views.OrgProject {
	v := views.OrgProject{Key: p.Key, Name: p.Name, Owner: p.Owner, Period: p.Period()}
	for _, s := range subs {
		planned := "–"
		if s.Planned != nil {
			planned = sv.Num(*s.Planned)
		}
		v.Subprojects = append(v.Subprojects, views.Subproject{Org: s.OrgName, Name: s.Name, Focus: s.Focus, Planned: planned})
	}
	return v
}

func projectFrom(ctx context.Context) auth.Project {
	p, _ := ctx.Value(projectKey).(auth.Project)
	return p
}

func (h *Handler) projectHome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pr := projectFrom(ctx)
	v := views.ProjectHomeView{Roles: pr.Roles}
	p, err := org.ProjectByKey(ctx, h.pool, pr.Key)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	subs, err := org.Subprojects(ctx, h.pool, p.ID, 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	members, err := org.Members(ctx, h.pool, p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	targets, err := org.Targets(ctx, h.pool, p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Project = orgProjectView(p, subs)
	for _, m := range members {
		v.Members = append(v.Members, m.Name)
	}
	for _, t := range targets {
		label := t.Indicator
		if d, ok := dashboard.TargetByKey(t.Indicator); ok {
			label = d.Label
		}
		v.Targets = append(v.Targets, views.Target{Label: label, Value: sv.Number(t.Target)})
	}
	sv.SortBy(v.Targets, func(t views.Target) string { return t.Label })
	h.render(w, r, http.StatusOK, views.ProjectHome(h.page(r, "Projekt "+p.Name), v))
}
