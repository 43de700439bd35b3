package codes

// The lists of a move to another municipality (docs/design/moves.md).
var (
	// ConsentGiver is who gave the consent (samtycke) to a notice to the new
	// home municipality.
	ConsentGiver = List{Name: "consent_giver", Columns: []string{"move_consents.given_by"}, Codes: []Code{
		{"young_person", "Den unga själv"}, {"guardian", "Vårdnadshavare"},
	}}
	// ConsentMethod is how the consent was given.
	ConsentMethod = List{Name: "consent_method", Columns: []string{"move_consents.method"}, Codes: []Code{
		{"oral", "Muntligt"}, {"written", "Skriftligt"},
	}}
	// NoticeOutcome is what became of an attempt to send a notice, in the
	// sending municipality's own record.
	NoticeOutcome = List{Name: "notice_outcome", Columns: []string{"move_consents.notice_outcome"}, Codes: []Code{
		{"sent", "Underrättelsen är skickad"},
		{"already_sent", "Underrättelsen var redan skickad"},
		{"not_user", "Kommunen använder inte systemet"},
		{"turned_off", "Kommunen tar inte emot underrättelser i systemet"},
	}}
	// NoticeHandling is what the receiving municipality did with a notice.
	NoticeHandling = List{Name: "notice_handling", Columns: []string{"move_notices.outcome"}, Codes: []Code{
		{"registered", "Registrerad"}, {"dismissed", "Avfärdad"},
	}}
)
