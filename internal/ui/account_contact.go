package ui

import (
	"net/http"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// accountContact is "Mina kontaktuppgifter": the name, e-mail and phone that
// letters and the printed plan give the young person.
func (h *Handler) accountContact(w http.ResponseWriter, r *http.Request) {
	c, err := auth.OwnContactDetails(r.Context(), h.pool, principalFrom(r.Context()).UserID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.AccountContact(h.page(r, "Mina kontaktuppgifter"),
		views.AccountContactView{Name: c.Name, Email: c.Email, Phone: c.Phone}))
}

func (h *Handler) saveAccountContact(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	uid := principalFrom(ctx).UserID
	if !h.readForm(w, r, 4096) {
		return
	}
	phone, ok := auth.NormalizePhone(r.PostFormValue("phone"))
	if !ok {
		c, err := auth.OwnContactDetails(ctx, h.pool, uid)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v := views.AccountContactView{Name: c.Name, Email: c.Email, Phone: r.PostFormValue("phone")}
		v.Errors.Add("phone", "Skriv ett svenskt telefonnummer med riktnummer, till exempel 044-13 50 00 eller 070-123 45 67.")
		h.render(w, r, http.StatusUnprocessableEntity, views.AccountContact(h.page(r, "Mina kontaktuppgifter"), v))
		return
	}
	if err := auth.SetPhone(ctx, h.pool, uid, phone); err != nil {
		h.fail(w, r, err)
		return
	}
	if phone == "" {
		h.flash(r, "Telefonnumret är borttaget. Breven visar bara din e-postadress.")
	} else {
		h.flash(r, "Telefonnumret är sparat. Det syns i breven och i den utskrivna planen.")
	}
	http.Redirect(w, r, "/konto/kontaktuppgifter", http.StatusSeeOther)
}
