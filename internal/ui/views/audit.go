package views

import (
	"fmt"
	"net/url"

	"github.com/kaa-plattform/kaa/internal/audit"
	"github.com/kaa-plattform/kaa/internal/sv"
)

// Actions are the audit log's events with their Swedish names, in the order
// the review offers them.
var Actions = []Option{
	{Value: "participant.read", Label: "Läste en deltagares uppgifter"},
	{Value: "plan.read", Label: "Läste en handlingsplan"},
	{Value: "mapping.read", Label: "Läste en kartläggning"},
	{Value: "participant.extract", Label: "Tog fram ett registerutdrag"},
	{Value: "participant.export", Label: "Laddade ner deltagarlistan som Excel-fil"},
	{Value: "participant.list", Label: "Visade deltagarlistan eller att göra-listorna"},
	{Value: "participant.create", Label: "Lade till en person i registret"},
	{Value: "participant.update", Label: "Ändrade en deltagares uppgifter"},
	{Value: "participant.assign", Label: "Ändrade ansvarig samordnare"},
	{Value: "participant.handover", Label: "Flyttade en ungdom till en annan samordnare (överlämning)"},
	{Value: "contact.create", Label: "Loggade en kontakt"},
	{Value: "appointment.create", Label: "Bokade ett möte eller planerade en åtgärd"},
	{Value: "appointment.done", Label: "Markerade ett bokat möte som genomfört"},
	{Value: "appointment.cancelled", Label: "Ställde in ett bokat möte"},
	{Value: "contact.update", Label: "Rättade en kontakt samma dag"},
	{Value: "contact.amend", Label: "Rättade en kontakt i efterhand"},
	{Value: "letter.print", Label: "Skrev ut ett brev (loggat som kontakt)"},
	{Value: "sms.send", Label: "Skickade ett sms (loggat som kontakt)"},
	{Value: "sms.status", Label: "Sparade om sms-tjänsten tog emot ett sms"},
	{Value: "sms.report", Label: "Fick leveransbesked för ett sms"},
	{Value: "sms.unmatched", Label: "Tog emot ett sms som inte kunde kopplas till någon"},
	{Value: "sms.read_unmatched", Label: "Läste okopplade sms"},
	{Value: "participant.sms_opt_out", Label: "Stängde av sms efter svaret STOPP"},
	{Value: "enrolment.start", Label: "Registrerade i KAA-registret eller skrev in i ett projekt"},
	{Value: "enrolment.end", Label: "Avregistrerade ur KAA-registret eller avslutade ett projektdeltagande"},
	{Value: "enrolment.correct", Label: "Rättade en avregistrering eller ett avslutat projektdeltagande"},
	{Value: "enrolment.update", Label: "Ändrade en registrering eller ett projektdeltagande"},
	{Value: "mapping.save", Label: "Sparade en kartläggning"},
	{Value: "plan.create", Label: "Skrev en handlingsplan"},
	{Value: "plan.revise", Label: "Reviderade en handlingsplan"},
	{Value: "followup.record", Label: "Registrerade en uppföljning"},
	{Value: "move.letter", Label: "Skrev ut ett flyttbrev"},
	{Value: "move.consent", Label: "Sparade ett samtycke till underrättelse vid flytt"},
	{Value: "move_notice.send", Label: "Skickade en underrättelse om flytt till en annan kommun"},
	{Value: "move_notice.arrive", Label: "Tog emot en underrättelse om inflyttad från en annan kommun"},
	{Value: "move_notice.read", Label: "Visade underrättelser om inflyttade"},
	{Value: "move_notice.open", Label: "Öppnade en underrättelse om inflyttad för registrering"},
	{Value: "move_notice.register", Label: "Registrerade en inflyttad från en underrättelse"},
	{Value: "move_notice.dismiss", Label: "Avfärdade en underrättelse om inflyttad"},
	{Value: "import.upload", Label: "Laddade upp en KAA-lista"},
	{Value: "import.preview", Label: "Granskade en KAA-lista"},
	{Value: "import.confirm", Label: "Importerade en KAA-lista"},
	{Value: "import.cancel", Label: "Avbröt en import"},
	{Value: "import.compare", Label: "Jämförde en KAA-lista med den förra listan"},
	{Value: "import_unidentified.list", Label: "Visade kön Saknar giltigt personnummer"},
	{Value: "import_unidentified.resolve", Label: "Registrerade en person ur kön Saknar giltigt personnummer"},
	{Value: "import_unidentified.dismiss", Label: "Tog bort en rad ur kön Saknar giltigt personnummer"},
	{Value: "scb.report", Label: "Visade halvårsfilen till SCB och dess kontroller"},
	{Value: "scb.file", Label: "Skapade halvårsfilen till SCB"},
	{Value: "scb.export", Label: "Laddade ner halvårsfilen till SCB"},
	{Value: "esf.report", Label: "Visade månadsfilen till SCB för ett ESF-projekt och dess kontroller"},
	{Value: "esf.hours", Label: "Sparade deltagarnas timmar i ett ESF-projekt"},
	{Value: "esf.file", Label: "Skapade månadsfilen till SCB för ett ESF-projekt"},
	{Value: "esf.export", Label: "Laddade ner månadsfilen till SCB för ett ESF-projekt"},
	{Value: "dashboard.read", Label: "Visade statistiken"},
	{Value: "user.list", Label: "Visade användarna"},
	{Value: "user.create", Label: "Gav en person behörighet"},
	{Value: "membership.change", Label: "Ändrade en användares roller"},
	{Value: "membership.break_glass", Label: "Lade till en administratör i nödfall (systemadministratören)"},
	{Value: "settings.update", Label: "Ändrade inställningarna"},
	{Value: "school_system.create", Label: "Anslöt ett skolsystem (SS12000)"},
	{Value: "school_system.update", Label: "Ändrade ett skolsystems anslutning"},
	{Value: "school_system.delete", Label: "Tog bort ett skolsystem"},
	{Value: "school_system.sync", Label: "Hämtade KAA-listan från ett skolsystem"},
	{Value: "scim.token_create", Label: "Skapade eller bytte nyckeln för automatisk kontohantering (SCIM)"},
	{Value: "scim.token_revoke", Label: "Tog bort nyckeln för automatisk kontohantering (SCIM)"},
	{Value: "scim.token_refused", Label: "Nekade automatisk kontohantering (SCIM) med fel nyckel"},
	{Value: "scim.user_list", Label: "Kontohanteringen (SCIM) sökte bland användarna"},
	{Value: "scim.user_read", Label: "Kontohanteringen (SCIM) läste en användare"},
	{Value: "scim.user_create", Label: "Kontohanteringen (SCIM) skapade en användare"},
	{Value: "scim.user_update", Label: "Kontohanteringen (SCIM) ändrade en användare"},
	{Value: "scim.user_deactivate", Label: "Kontohanteringen (SCIM) inaktiverade en användare"},
	{Value: "scim.user_reactivate", Label: "Kontohanteringen (SCIM) aktiverade en användare igen"},
	{Value: "scim.user_delete", Label: "Kontohanteringen (SCIM) tog bort en användare"},
	{Value: "scim.user_refused", Label: "Kontohanteringen (SCIM) nekades en användare som inte finns här"},
	{Value: "identity_provider.create", Label: "Anslöt en inloggningstjänst"},
	{Value: "identity_provider.update", Label: "Ändrade en inloggningstjänst"},
	{Value: "identity_provider.delete", Label: "Tog bort en inloggningstjänst"},
	{Value: "identity.link", Label: "Kopplade ett konto till inloggningstjänsten vid första inloggningen"},
	{Value: "identity.signin_refused", Label: "Nekades inloggning via inloggningstjänsten"},
	{Value: "project.join", Label: "Tackade ja till ett projekt"},
	{Value: "project.roles_read", Label: "Visade vilka som har roller i ett projekt"},
	{Value: "project.role_grant", Label: "Gav en roll i ett projekt"},
	{Value: "project.role_revoke", Label: "Tog bort en roll i ett projekt"},
	{Value: "user.bulk_create", Label: "Lade till användare från en lista"},
	{Value: "project.decline", Label: "Tackade nej till ett projekt"},
	{Value: "project.period", Label: "Ändrade ett projekts period"},
	{Value: "project.target", Label: "Ändrade ett projekts mål"},
	{Value: "project.member_invite", Label: "Bjöd in en organisation till ett projekt"},
	{Value: "project.invitation_withdraw", Label: "Drog tillbaka en inbjudan till ett projekt"},
	{Value: "project.member_accept", Label: "En inbjuden organisation tackade ja till projektet"},
	{Value: "project.member_decline", Label: "En inbjuden organisation tackade nej till projektet"},
	{Value: "project.member_remove", Label: "Tog bort en organisation ur ett projekt"},
	{Value: "project.subproject_add", Label: "Lade till ett delprojekt"},
	{Value: "retention.policy", Label: "Ändrade tiderna för gallring (före gallringsbeslut)"},
	{Value: "retention.decision", Label: "Registrerade ett gallringsbeslut (diarienummer)"},
	{Value: "retention.run", Label: "Gallring eller redovisning av gallring (diarienummer)"},
	{Value: "audit.review", Label: "Läste loggen (loggkontroll)"},
	{Value: "umbrella.read", Label: "Visade projektparaplyet"},
	{Value: "esf.read", Label: "Visade ESF+-indikatorerna"},
	{Value: "export.preview", Label: "Visade rapporten för en anonymiserad export"},
	{Value: "export.started", Label: "Började en anonymiserad export"},
	{Value: "export.completed", Label: "Laddade ner en anonymiserad export"},
	{Value: "export.key_rotated", Label: "Bytte nyckeln för exportens id"},
	{Value: "session.signin", Label: "Loggade in"},
	{Value: "session.signin_failed", Label: "Försökte logga in med fel lösenord"},
	{Value: "session.signin_throttled", Label: "Fick vänta med inloggningen efter för många försök"},
	{Value: "session.two_factor", Label: "Loggade in med kod (tvåstegsinloggning)"},
	{Value: "session.two_factor_failed", Label: "Skrev fel kod vid tvåstegsinloggning"},
	{Value: "session.signout", Label: "Loggade ut"},
	{Value: "user.password_changed", Label: "Bytte lösenord"},
	{Value: "user.password_change_failed", Label: "Försökte byta lösenord med fel nuvarande lösenord"},
	{Value: "user.password_change_throttled", Label: "Fick vänta med lösenordsbytet efter för många försök"},
	{Value: "user.two_factor_enabled", Label: "Slog på tvåstegsinloggning"},
	{Value: "user.phone_changed", Label: "Ändrade sitt telefonnummer"},
	{Value: "user.password_reset_requested", Label: "Bad om en länk för att återställa lösenordet"},
	{Value: "user.password_reset_throttled", Label: "Fick vänta med att be om en ny återställningslänk"},
	{Value: "user.password_reset", Label: "Återställde sitt lösenord med en länk i e-post"},
	{Value: "user.password_reset_refused", Label: "Försökte återställa lösenordet med en länk som inte gällde"},
	{Value: "user.two_factor_reset", Label: "Återställde en användares tvåstegsinloggning"},
	{Value: "admin.two_factor_reset", Label: "Återställde en användares tvåstegsinloggning (administratören)"},
	{Value: "membership.refused", Label: "Nekades behörighet"},
	{Value: "admin.first_admin", Label: "Gav en organisation dess första administratör (systemadministratören)"},
	{Value: "admin.break_glass", Label: "Lade till en administratör i nödfall (systemadministratören)"},
	{Value: "org.create", Label: "Skapade en organisation (systemadministratören)"},
	{Value: "system.totp_secrets_encrypted", Label: "Krypterade hemligheterna för tvåstegsinloggning"},
}

// records are the Swedish names of the kinds of record the audit log names.
var records = map[string]string{
	"participant": "Person", "user": "Användare", "import": "Import", "project": "Projekt", "report": "SCB-rapport",
	"retention": "Gallring", "settings": "Inställningar", "audit": "Loggen", "dashboard": "Statistik",
	"export": "Export", "org": "Organisation", "contact": "Kontakt", "enrolment": "Registrering eller inskrivning",
	"school_system": "Skolsystem", "import_unidentified": "Rad utan giltigt personnummer",
	"move_notice": "Underrättelse om flytt", "retention_decision": "Gallringsbeslut", "scb_file": "SCB-fil", "esf_file": "ESF-månadsfil", "sms": "Sms",
	"identity_provider": "Inloggningstjänst",
}

// RecordLabel is the Swedish name of a kind of record in the audit log, or
// "Annat" for a kind it does not know.
func RecordLabel(kind string) string {
	if l, ok := records[kind]; ok {
		return l
	}
	if kind == "" {
		return ""
	}
	return "Annat"
}

// ActionLabel is the Swedish name of an audit event. An event it does not
// know (TestEveryActionHasALabel keeps that from happening) is "Annan
// händelse", never its code.
func ActionLabel(action string) string {
	for _, a := range Actions {
		if a.Value == action {
			return a.Label
		}
	}
	return "Annan händelse"
}

func findingText(f audit.Finding) string {
	switch f.Kind {
	case "many":
		return fmt.Sprintf("%s läste %s den %s, mot %s en vanlig dag.", f.UserName, sv.Count(f.Count, "personakt", "personakter"), Date(f.Day), sv.Num(f.Usual))
	case "off_hours":
		return fmt.Sprintf("%s läste personakter %s utanför arbetstid (före 07, efter 19 eller en helgdag i veckoslutet).", f.UserName, sv.Count(f.Count, "gång", "gånger"))
	case "not_assigned":
		return fmt.Sprintf("%s läste %s som hen inte är ansvarig samordnare för.", f.UserName, sv.Count(f.Count, "person", "personer"))
	}
	return f.UserName + ": avvikande åtkomst."
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
