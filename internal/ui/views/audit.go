package views

import (
	"fmt"
	"net/url"

	"github.com/kaa-plattform/kaa/internal/audit"
)

// Actions are the audit log's events with their Swedish names, in the order
// the review offers them.
var Actions = []Option{
	{Value: "participant.read", Label: "Läste en deltagares uppgifter"},
	{Value: "plan.read", Label: "Läste en handlingsplan"},
	{Value: "mapping.read", Label: "Läste en kartläggning"},
	{Value: "participant.extract", Label: "Tog fram ett registerutdrag"},
	{Value: "participant.list", Label: "Visade deltagarlistan eller att göra-listorna"},
	{Value: "participant.create", Label: "Registrerade en deltagare"},
	{Value: "participant.update", Label: "Ändrade en deltagares uppgifter"},
	{Value: "participant.assign", Label: "Ändrade ansvarig samordnare"},
	{Value: "contact.create", Label: "Loggade en kontakt"},
	{Value: "contact.update", Label: "Rättade en kontakt samma dag"},
	{Value: "contact.amend", Label: "Rättade en kontakt i efterhand"},
	{Value: "enrolment.start", Label: "Skrev in en deltagare"},
	{Value: "enrolment.end", Label: "Avslutade en inskrivning"},
	{Value: "enrolment.update", Label: "Ändrade en inskrivning"},
	{Value: "mapping.save", Label: "Sparade en kartläggning"},
	{Value: "plan.create", Label: "Skrev en handlingsplan"},
	{Value: "plan.revise", Label: "Reviderade en handlingsplan"},
	{Value: "followup.record", Label: "Registrerade en uppföljning"},
	{Value: "import.upload", Label: "Laddade upp en KAA-lista"},
	{Value: "import.preview", Label: "Granskade en KAA-lista"},
	{Value: "import.confirm", Label: "Importerade en KAA-lista"},
	{Value: "import.cancel", Label: "Avbröt en import"},
	{Value: "scb.report", Label: "Visade halvårsfilen till SCB och dess kontroller"},
	{Value: "scb.file", Label: "Skapade halvårsfilen till SCB"},
	{Value: "scb.export", Label: "Laddade ner halvårsfilen till SCB"},
	{Value: "dashboard.read", Label: "Visade statistiken"},
	{Value: "user.list", Label: "Visade användarna"},
	{Value: "user.create", Label: "Gav en person behörighet"},
	{Value: "membership.change", Label: "Ändrade en användares roller"},
	{Value: "membership.break_glass", Label: "Lade till en administratör i nödfall (systemadministratören)"},
	{Value: "settings.update", Label: "Ändrade inställningarna"},
	{Value: "project.join", Label: "Tackade ja till ett projekt"},
	{Value: "project.decline", Label: "Tackade nej till ett projekt"},
	{Value: "retention.policy", Label: "Ändrade tiderna för gallring (före gallringsbeslut)"},
	{Value: "retention.decision", Label: "Registrerade ett gallringsbeslut (diarienummer)"},
	{Value: "retention.run", Label: "Gallring eller redovisning av gallring (diarienummer)"},
	{Value: "audit.review", Label: "Läste loggen (loggkontroll)"},
}

// ActionLabel is the Swedish name of an audit event, or its code.
func ActionLabel(action string) string {
	for _, a := range Actions {
		if a.Value == action {
			return a.Label
		}
	}
	return action
}

func findingText(f audit.Finding) string {
	switch f.Kind {
	case "many":
		return fmt.Sprintf("%s läste %d personakter den %s, mot %d en vanlig dag.", f.UserName, f.Count, Date(f.Day), f.Usual)
	case "off_hours":
		return fmt.Sprintf("%s läste personakter %d gånger utanför arbetstid (före 07, efter 19 eller en helgdag i veckoslutet).", f.UserName, f.Count)
	case "not_assigned":
		return fmt.Sprintf("%s läste %d personer som hen inte är ansvarig samordnare för.", f.UserName, f.Count)
	}
	return f.Kind
}

// userQuery is the review's query narrowed to one user.
func userQuery(values map[string]string, user int) string {
	q := url.Values{"anvandare": {fmt.Sprint(user)}}
	for _, k := range []string{"fran", "till"} {
		if values[k] != "" {
			q.Set(k, values[k])
		}
	}
	return q.Encode()
}
