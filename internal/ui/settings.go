package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/moves"
	"github.com/kaa-plattform/kaa/internal/org"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sms"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

func (h *Handler) settings(w http.ResponseWriter, r *http.Request) {
	var s participant.Settings
	var require, notices bool
	var from string
	err := h.inTenant(r, func(tx db.Tx) (err error) {
		if from, err = sms.TenantSender(r.Context(), tx); err != nil {
			return err
		}
		if s, err = participant.GetSettings(r.Context(), tx); err != nil {
			return err
		}
		if notices, err = moves.AcceptsNotices(r.Context(), tx); err != nil {
			return err
		}
		require, err = org.RequiresTwoFactor(r.Context(), tx)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, views.Settings(h.page(r, "Inställningar"), views.SettingsView{Action: r.URL.Path,
		Retention: strings.TrimSuffix(r.URL.Path, "installningar") + "gallring", NoContactDays: fmt.Sprint(s.NoContactDays), RequireTwoFactor: require,
		AcceptsMoveNotices: notices, SMS: h.smsSenderView(from)}))
}

func (h *Handler) saveSettings(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, 4096) {
		return
	}
	field := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	v := views.SettingsView{Action: r.URL.Path, Retention: strings.TrimSuffix(r.URL.Path, "installningar") + "gallring",
		NoContactDays: field("no_contact_days"), RequireTwoFactor: r.PostFormValue("require_two_factor") == "1",
		AcceptsMoveNotices: r.PostFormValue("accepts_move_notices") == "1", SMS: h.smsSenderView(field("sms_from"))}
	days := atoiOr0(v.NoContactDays)
	if days < 1 || days > 365 {
		v.Errors.Add("no_contact_days", "Skriv ett antal dagar mellan 1 och 365.")
	}
	if v.SMS.From != "" && !sms.ValidSender(v.SMS.From) {
		v.Errors.Add("sms_from", sms.ErrBadSender.Error())
	}
	if v.Errors.Any() {
		h.render(w, r, http.StatusUnprocessableEntity, views.Settings(h.page(r, "Inställningar"), v))
		return
	}
	err := h.inTenant(r, func(tx db.Tx) error {
		if err := participant.SaveSettings(r.Context(), tx, participant.Settings{NoContactDays: days}); err != nil {
			return err
		}
		if err := moves.SetAcceptsNotices(r.Context(), tx, v.AcceptsMoveNotices); err != nil {
			return err
		}
		if err := sms.SetTenantSender(r.Context(), tx, v.SMS.From); err != nil {
			return err
		}
		return org.SetRequiresTwoFactor(r.Context(), tx, v.RequireTwoFactor)
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(r, "Inställningarna är sparade.")
	http.Redirect(w, r, r.URL.Path, http.StatusSeeOther)
}

// smsSenderView is the settings page's SMS sender field holding from.
func (h *Handler) smsSenderView(from string) views.SMSSenderView {
	return views.SMSSenderView{From: from, Default: h.cfg.SMS.From, Configured: h.cfg.SMS.Configured()}
}
