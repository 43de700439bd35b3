package ui

import (
	"net/http"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/scim"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// The administrator's page for the organisation's SCIM token.

func (h *Handler) scimTokenPage(w http.ResponseWriter, r *http.Request) {
	h.renderSCIMPage(w, r, "")
}

// renderSCIMPage shows the page; newToken, when not empty, is shown once.
func (h *Handler) renderSCIMPage(w http.ResponseWriter, r *http.Request, newToken string) {
	var t scim.TokenInfo
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		t, err = scim.Token(r.Context(), tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.SCIMPage(h.page(r, "Automatisk kontohantering"), views.SCIMView{
		Base: "/k/" + orgFrom(r.Context()).Key + "/kontohantering", TenantURL: h.cfg.PublicURL + "/scim/v2",
		HasToken: t.Exists, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt, DefaultRole: t.DefaultRole.Label(), NewToken: newToken}))
}

// scimTokenCreate makes or replaces the token and shows it on the answer
// itself, never in a redirect or the session, so it is seen once.
func (h *Handler) scimTokenCreate(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 1024) {
		return
	}
	var token string
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		token, err = scim.NewToken(r.Context(), tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderSCIMPage(w, r, token)
}

func (h *Handler) scimTokenRevoke(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 1024) {
		return
	}
	if err := h.inTenant(r, func(tx db.Tx) error { return scim.RevokeToken(r.Context(), tx) }); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Nyckeln är borttagen. Automatisk kontohantering är avstängd.")
	http.Redirect(w, r, "/k/"+orgFrom(r.Context()).Key+"/kontohantering", http.StatusSeeOther)
}
