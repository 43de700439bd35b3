package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/table"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// auditFilter reads the review's filter from the URL: the last 30 days by
// default, or a given month's sample.
func auditFilter(q url.Values) (audit.Filter, map[string]string, views.Errors) {
	var errs views.Errors
	now := today()
	values := map[string]string{}
	for _, k := range []string{"anvandare", "deltagare", "handelse", "fran", "till", "stickprov"} {
		values[k] = strings.TrimSpace(q.Get(k))
	}
	if values["fran"] == "" {
		values["fran"] = views.Date(now.AddDate(0, 0, -30))
	}
	if values["till"] == "" {
		values["till"] = views.Date(now)
	}
	f := audit.Filter{Action: values["handelse"], Sample: values["stickprov"] == "1"}
	if values["anvandare"] != "" {
		if n, err := strconv.Atoi(values["anvandare"]); err == nil && n > 0 {
			f.UserID = n
		} else {
			errs.Add("anvandare", "Välj en användare i listan.")
		}
	}
	if values["deltagare"] != "" {
		if n, err := strconv.ParseInt(values["deltagare"], 10, 64); err == nil && n > 0 {
			f.ParticipantID = n
		} else {
			errs.Add("deltagare", "Skriv deltagarens nummer med siffror, till exempel 1042.")
		}
	}
	if f.Action != "" && !slices.ContainsFunc(views.Actions, func(o views.Option) bool { return o.Value == f.Action }) {
		errs.Add("handelse", "Välj en händelse i listan.")
	}
	var msg string
	if f.From, msg = parseDate(values["fran"], now, true); msg != "" {
		errs.Add("fran", msg)
	}
	if f.To, msg = parseDate(values["till"], now, true); msg != "" {
		errs.Add("till", msg)
	}
	if !errs.Any() && f.To.Before(f.From) {
		errs.Add("till", "Slutdatumet ligger före startdatumet. Skriv ett datum från och med "+values["fran"]+".")
	}
	return f, values, errs
}

func (h *Handler) auditReview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o := orgFrom(ctx)
	f, values, errs := auditFilter(r.URL.Query())
	v := views.AuditView{Base: "/k/" + o.Key + "/loggkontroll", OrgKey: o.Key, Values: values, Errors: errs, Actions: views.Actions, Sample: f.Sample}
	q := r.URL.Query()
	q.Del("stickprov")
	v.CSV = v.Base + "/csv?" + q.Encode()
	err := h.inTenant(r, func(tx db.Tx) error {
		users, err := auth.ListTenantUsers(ctx, tx)
		if err != nil {
			return err
		}
		for _, u := range users {
			v.Users = append(v.Users, views.Option{Value: fmt.Sprint(u.ID), Label: u.Name})
		}
		if errs.Any() {
			return nil
		}
		if v.Entries, v.Total, err = audit.Review(ctx, tx, f, audit.ReviewLimit); err != nil {
			return err
		}
		if f.ParticipantID != 0 {
			return nil // the findings are about users, not one person
		}
		v.Findings, err = audit.Unusual(ctx, tx, f.From, f.To)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if errs.Any() {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, views.AuditReview(h.page(r, "Loggkontroll"), v))
}

// auditCSV is every entry matching the review's filter, as CSV (or .xlsx).
func (h *Handler) auditCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, _, errs := auditFilter(r.URL.Query())
	if errs.Any() {
		h.renderError(w, r, http.StatusUnprocessableEntity, "Urvalet kunde inte läsas", errs[0].Msg)
		return
	}
	var entries []audit.Entry
	if err := h.inTenant(r, func(tx db.Tx) (err error) { entries, _, err = audit.Review(ctx, tx, f, 0); return err }); err != nil {
		h.fail(w, r, err)
		return
	}
	t := table.Table{Title: "Loggkontroll: " + orgFrom(ctx).Name, Period: "Perioden är " + views.Date(f.From) + " – " + views.Date(f.To),
		Head: []string{"Tid", "Användarnummer", "Användare", "Händelse", "Post", "Postens nummer", "Adress", "Felkod"}}
	for _, e := range entries {
		t.Rows = append(t.Rows, []table.Cell{table.At(participant.Local(e.At)), table.ID(e.UserID), table.T(e.UserName),
			table.T(views.ActionLabel(e.Action)), table.T(views.RecordLabel(e.RecordType)), table.T(e.RecordID), table.T(e.ClientAddr), table.T(e.RequestID)})
	}
	h.writeTable(w, r, fmt.Sprintf("loggkontroll-%s-%s-%s", orgFrom(ctx).Key, views.Date(f.From), views.Date(f.To)), "Loggkontroll", t)
}
