// Package codes is the one home of every code list the register stores and a
// user reads: the key kept in the database and its Swedish label, in the
// order a form offers them. The database CHECKs are tested against these
// lists (internal/db), the forms, the import mapping and the labels on pages
// and in files derive from them, and the SCB file maps their keys to SCB's
// codes in its versioned layout tables (internal/scb/spec). A key is never
// shown to a user: pages and files print the label.
//
// The words follow the law and Skolverket (docs/glossary.md): registrering
// and avregistrering in the KAA register, åtgärd for a KAA measure, insats
// only for an ESF project's activity, uppföljning, and "Uppgift saknas" for a
// value nobody knows, chosen explicitly, never a default.
package codes

// Code is one value of a list.
type Code struct {
	Key   string // stored in the database; never shown
	Label string // Swedish, as a user reads it
}

// List is a code list. Columns names the database columns ("table.column")
// whose CHECK must allow exactly these keys (plus "" where Optional says so).
type List struct {
	Name    string
	Codes   []Code
	Columns []string
}

// Keys returns the keys in order.
func (l List) Keys() []string {
	out := make([]string, len(l.Codes))
	for i, c := range l.Codes {
		out[i] = c.Key
	}
	return out
}

// Has reports whether key is in the list.
func (l List) Has(key string) bool {
	for _, c := range l.Codes {
		if c.Key == key {
			return true
		}
	}
	return false
}

// Label is the Swedish label of key, or "" when key is not in the list.
func (l List) Label(key string) string {
	for _, c := range l.Codes {
		if c.Key == key {
			return c.Label
		}
	}
	return ""
}

// Unknown is the key of "Uppgift saknas" in the lists that have it (the
// register's reasons, background and occupation): a value chosen explicitly
// when nobody knows it, which the completeness panels then show. Gender's
// "Ej angivet" is "not_stated".
const Unknown = "unknown"

// The register's lists. Keys of lists that SCB counts are mapped to SCB's
// codes in internal/scb's layout tables, never here.
var (
	// Gender as the person states it (ESF+ reports women, men, non-binary).
	Gender = List{Name: "gender", Columns: []string{"participants.gender"}, Codes: []Code{
		{"woman", "Kvinna"}, {"man", "Man"}, {"non_binary", "Icke-binär"}, {"not_stated", "Ej angivet"},
	}}

	// UpperSecondary is the young person's upper-secondary background.
	UpperSecondary = List{Name: "upper_secondary", Columns: []string{"participants.upper_secondary"}, Codes: []Code{
		{"never_started", "Har aldrig påbörjat gymnasieutbildning"},
		{"dropped_out", "Har avbrutit ett nationellt program"},
		{"dropped_out_im", "Har avbrutit ett introduktionsprogram"},
		{"study_certificate", "Fullföljt med studiebevis (ej examen)"},
		{Unknown, "Uppgift saknas"},
	}}

	// Source is how the register learnt of the young person.
	Source = List{Name: "source", Columns: []string{"participants.source"}, Codes: []Code{
		{"school_dropout_notice", "Avbrottsanmälan från skolan"},
		{"school_list", "Lista från skolans system"},
		{"self_referral", "Tog kontakt själv"},
		{"municipal_service", "Annan verksamhet i kommunen"},
		{"arbetsformedlingen", "Arbetsförmedlingen"},
		{"other", "Annan väg"},
	}}

	// RegistrationReason is why the young person is in the KAA register,
	// as SCB counts it (Skollagen 29 kap. 9 §). None is preselected.
	RegistrationReason = List{Name: "reason", Columns: []string{"enrolments.registration_reason"}, Codes: []Code{
		{"dropped_out", "Avbrutit nationellt program"},
		{"dropped_out_im", "Avbrutit introduktionsprogram"},
		{"study_certificate", "Fullföljt med studiebevis (ej examen)"},
		{"never_started", "Aldrig påbörjat gymnasieutbildning"},
		{"moved_in", "Inflyttad till kommunen"},
		{Unknown, "Uppgift saknas"},
	}}

	// Deregistration is why the KAA responsibility ended (avregistrering).
	// Declining an åtgärd is not one: the young person stays registered.
	Deregistration = List{Name: "end_reason", Columns: []string{"enrolments.end_reason"}, Codes: []Code{
		{"national_programme", "Påbörjat nationellt program i gymnasieskolan"},
		{"introduction_programme", "Påbörjat introduktionsprogram i gymnasieskolan"},
		{"adapted_upper_secondary", "Påbörjat anpassade gymnasieskolan"},
		{"equivalent_education", "Påbörjat motsvarande utbildning"},
		{"turned_20", "Fyllt 20 år"},
		{"moved", "Flyttat till annan kommun"},
		{"emigrated", "Utvandrat"},
		{"deceased", "Avliden"},
		{"other", "Annan orsak"},
	}}

	// ProjectEnd is why a project enrolment (ESF) ended.
	ProjectEnd = List{Name: "project_end", Columns: []string{"enrolments.end_reason"}, Codes: []Code{
		{"project_exit", "Avslutad i projektet"},
		{"moved", "Flyttat"},
		{"other", "Annan orsak"},
	}}

	// Occupation is what the young person does at an ESF uppföljning of a
	// project enrolment. ContactOccupation is the KAA register's part of it.
	Occupation = List{Name: "occupation", Columns: []string{"followups.occupation"}, Codes: []Code{
		{"national_programme", "Studier på nationellt program"},
		{"introduction_programme", "Studier på introduktionsprogram"},
		{"komvux", "Komvux"},
		{"folkhogskola", "Folkhögskola"},
		{"studies_other", "Andra studier"},
		{"work", "Arbete"},
		{"work_placement", "Praktik"},
		{"arbetsformedlingen", "Program via Arbetsförmedlingen"},
		{"municipal_measure", "Kommunal åtgärd"},
		{"health_care", "Vård eller behandling"},
		{"no_activity", "Ingen sysselsättning"},
		{"not_reachable", "Gick inte att nå"},
		{"moved", "Flyttat"},
		{Unknown, "Uppgift saknas"},
	}}

	// ContactOccupation is what the young person does at a contact, as the
	// KAA register keeps it (SCB's block 2): Occupation without "Vård eller
	// behandling", a health category Förordning 2006:39 does not let the
	// register hold (docs/privacy.md).
	ContactOccupation = List{Name: "contact_occupation", Columns: []string{"contacts.occupation", "contact_amendments.occupation"},
		Codes: without(Occupation.Codes, HealthCare)}

	// Channel of a contact.
	Channel = List{Name: "channel", Columns: []string{"contacts.channel", "contact_amendments.channel"}, Codes: []Code{
		{"sms", "Sms"}, {"phone", "Telefonsamtal"}, {"social_media", "Sociala medier"}, {"email", "E-post"},
		{"letter", "Brev"}, {"home_visit", "Hembesök"}, {"meeting_office", "Möte på kontoret"},
		{"meeting_school", "Möte på skolan"}, {"meeting_other", "Möte på annan plats"},
	}}

	// Direction of a contact.
	Direction = List{Name: "direction", Columns: []string{"contacts.direction", "contact_amendments.direction", "sms_messages.direction"}, Codes: []Code{
		{"outgoing", "Utgående"}, {"incoming", "Inkommande"},
	}}

	// SMSStatus is where an SMS is (docs/design/sms.md). "sending" is left
	// only when the server stopped while the gateway was called: nobody
	// knows whether it went, so the page says to check.
	SMSStatus = List{Name: "sms_status", Columns: []string{"sms_messages.status"}, Codes: []Code{
		{"sending", "Okänt – kontrollera"}, {"sent", "Skickat"}, {"not_sent", "Ej skickat"},
		{"delivered", "Levererat"}, {"failed", "Misslyckat"}, {"received", "Mottaget"},
	}}

	// Party is who a contact was with. Only a contact with the young person
	// can reach them (a CHECK on both tables; docs/design/letters.md).
	Party = List{Name: "party", Columns: []string{"contacts.party", "contact_amendments.party"}, Codes: []Code{
		{"young_person", "Den unga"}, {"guardian", "Vårdnadshavare"}, {"school", "Skolan"}, {"other_actor", "Annan aktör"},
	}}

	// Letter is a letter the coordinator can print from the person page; the
	// contact it logs carries the label as its note.
	Letter = List{Name: "letter", Codes: []Code{
		{"first", "Första brev"}, {"reminder", "Påminnelse"}, {"meeting", "Kallelse till möte"},
		{"guardian", "Brev till vårdnadshavare"},
	}}

	// Method used in a meeting ("" is no particular method).
	Method = List{Name: "method", Columns: []string{"contacts.method", "contact_amendments.method"}, Codes: []Code{
		{"", "Ingen särskild"}, {"mi", "Motiverande samtal (MI)"}, {"coaching", "Coachning"},
		{"solution_focused", "Lösningsfokuserat samtal"}, {"7tjugo", "7-Tjugo"}, {"other", "Annan metod"},
	}}

	// Status is where a young person is in the work, in the order they move
	// through it. The rule that derives it lives in the database alone
	// (participant_status, migration 000030): the stored column and the
	// page's history both ask it, and internal/db's TestStatusFollowsCodes
	// holds its results to this list. "ended" is every enrolment ended:
	// "Avslutad", because someone only ever in a project was never
	// registered in the KAA register and so never avregistrerad (the page
	// says "Avregistrerad ur KAA-registret" where that is what happened).
	Status = List{Name: "status", Codes: []Code{
		{"identified", "Identifierad"}, {"contact_attempted", "Kontakt sökt"}, {"in_contact", "I kontakt"},
		{"active_plan", "Aktiv med plan"}, {"ended", "Avslutad"},
	}}

	// EnrolmentKind: the KAA register or a project.
	EnrolmentKind = List{Name: "enrolment", Columns: []string{"enrolments.kind"}, Codes: []Code{
		{"kaa", "KAA-registret"}, {"project", "Projekt"},
	}}

	// Direction of the intake mapping (kartläggning).
	Aim = List{Name: "aim", Columns: []string{"mappings.direction"}, Codes: []Code{
		{"studies", "Studier"}, {"work", "Arbete"}, {"other", "Annat"}, {"undecided", "Inte bestämt ännu"},
	}}

	// Referral target of the intake mapping ("" is none). The care
	// targets (CareReferrals) may be recorded only for a project
	// participant: the KAA register may not hold them.
	Referral = List{Name: "referral", Columns: []string{"mappings.referral_to"}, Codes: []Code{
		{"", "Ingen"}, {"school", "Skolan (elevhälsan)"}, {"social_services", "Socialtjänsten"},
		{"arbetsformedlingen", "Arbetsförmedlingen"}, {"health_care", "Hälso- och sjukvården"},
		{"youth_clinic", "Ungdomsmottagningen"}, {"other", "Annan"},
	}}

	// GoalStatus of a goal in the plan.
	GoalStatus = List{Name: "goal_status", Columns: []string{"plan_goals.status"}, Codes: []Code{
		{"not_started", "Inte påbörjat"}, {"in_progress", "Pågår"}, {"reached", "Uppnått"}, {"dropped", "Avbrutet"},
	}}

	// MeasureType is the kind of åtgärd in the plan.
	MeasureType = List{Name: "measure_type", Columns: []string{"plan_measures.type"}, Codes: []Code{
		{"introduction_programme", "Studier på introduktionsprogram"},
		{"komvux", "Komvux"},
		{"folkhogskola", "Folkhögskola"},
		{"work_placement", "Praktik"},
		{"guidance", "Studie- och yrkesvägledning"},
		{"arbetsformedlingen", "Åtgärd via Arbetsförmedlingen"},
		{"municipal_labour", "Kommunal arbetsmarknadsåtgärd"},
		{"support", "Motiverande eller socialt stöd"},
		{"other", "Annan åtgärd"},
	}}

	// Responsible is who carries out an åtgärd.
	Responsible = List{Name: "responsible", Columns: []string{"plan_measures.responsible"}, Codes: []Code{
		{"young_person", "Den unga själv"}, {"municipality", "Kommunen"}, {"school", "Skolan"},
		{"arbetsformedlingen", "Arbetsförmedlingen"}, {"social_services", "Socialtjänsten"},
		{"health_care", "Hälso- och sjukvården"}, {"other", "Annan aktör"},
	}}

	// MeasureEnd is why an åtgärd ended. "declined" is an åtgärd offered
	// and declined: SCB asks for those, and the young person stays in KAA.
	MeasureEnd = List{Name: "measure_end", Columns: []string{"plan_measures.end_reason"}, Codes: []Code{
		{"completed", "Genomförd"}, {"dropped_out", "Avbruten"}, {"declined", "Tackade nej"},
		{"studies", "Gick vidare till studier"}, {"work", "Gick vidare till arbete"}, {"other", "Annan orsak"},
	}}

	// Followup is the kind of ESF uppföljning.
	Followup = List{Name: "followup", Columns: []string{"followups.kind"}, Codes: []Code{
		{"exit", "Uppföljning vid avslut"}, {"six_months", "Uppföljning sex månader efter avslut"},
	}}

	// SurveyAnswer is the young person's answer to an exit question.
	SurveyAnswer = List{Name: "answer", Codes: []Code{
		{"yes", "Ja"}, {"no", "Nej"}, {"no_answer", "Vill inte svara"},
	}}

	// LabourMarket is the ESF participant's labour-market status at start.
	LabourMarket = List{Name: "labour_market", Columns: []string{"enrolments.labour_market_status"}, Codes: []Code{
		{"unemployed", "Arbetslös"}, {"long_term_unemployed", "Långtidsarbetslös"},
		{"inactive", "Utanför arbetskraften (varken arbetar eller söker arbete)"},
		{"employed", "Sysselsatt (även egen företagare)"},
	}}

	// SurveyQuestion is a question the young person answers at exit (the
	// follow-up's survey_<key> columns); the project's targets for them are
	// internal/dashboard's.
	SurveyQuestion = List{Name: "survey_question", Codes: []Code{
		{"long_term_goal", "Har ett långsiktigt mål"}, {"clear_plan", "Har en tydlig plan framåt"},
		{"respect", "Har blivit bemött med respekt"}, {"no_barrier", "Kunde delta utan hinder för tillgänglighet"},
	}}

	// GenderPlural is Gender as a group of people is named in a table
	// ("kvinnor"): the same keys.
	GenderPlural = List{Name: "gender_plural", Codes: []Code{
		{"woman", "kvinnor"}, {"man", "män"}, {"non_binary", "icke-binära"}, {"not_stated", "kön ej angivet"},
	}}

	// FollowupShort is Followup in a table's row ("Vid avslut"): the same keys.
	FollowupShort = List{Name: "followup_short", Codes: []Code{
		{"exit", "Vid avslut"}, {"six_months", "Efter sex månader"},
	}}

	// OrgKind is the kind of an organisation.
	OrgKind = List{Name: "org_kind", Columns: []string{"orgs.kind"}, Codes: []Code{
		{"municipality", "Kommun"}, {"region", "Region"}, {"agency", "Myndighet"}, {"school", "Skola"}, {"other", "Annan organisation"},
	}}

	// NoteSource is where a hit of the search in notes was found. Not stored:
	// the search names the text it matched (internal/participant/notesearch.go).
	NoteSource = List{Name: "note_source", Codes: []Code{
		{"contact", "Kontakt"}, {"plan_goal", "Handlingsplanens mål"}, {"plan_measure", "Handlingsplanens åtgärd"},
		{"plan_note", "Handlingsplanens ändringsnotering"}, {"mapping", "Kartläggning"},
	}}

	// Education is the ESF participant's level of education at start.
	Education = List{Name: "education", Columns: []string{"enrolments.education_level"}, Codes: []Code{
		{"isced_0_2", "Grundskola eller kortare (ISCED 0–2)"},
		{"isced_3_4", "Gymnasium eller motsvarande (ISCED 3–4)"},
		{"isced_5_8", "Eftergymnasial utbildning (ISCED 5–8)"},
	}}
)

// HealthCare is the key of "Vård eller behandling" (an occupation) and of
// "Hälso- och sjukvården" (a referral target or who is responsible).
const HealthCare = "health_care"

// CareReferrals are the referral targets that tell of the young person's
// health or of social care (the student health service, social services,
// health care, a youth clinic): held only on a project participant
// (docs/privacy.md, "Vad KAA-registret får innehålla").
var CareReferrals = []string{"school", "social_services", HealthCare, "youth_clinic"}

// CareResponsibles are who may carry out an åtgärd only for a project
// participant: for someone only in the KAA register, social services'
// and health care's involvement is care the register may not hold (an
// åtgärd of social services is the municipality's: "Kommunen").
var CareResponsibles = []string{"social_services", HealthCare}

// without returns cs without the code of key.
func without(cs []Code, key string) []Code {
	var out []Code
	for _, c := range cs {
		if c.Key != key {
			out = append(out, c)
		}
	}
	return out
}

// AppointmentKind is what a booked meeting or planned action
// (bokat möte, planerad åtgärd) is.
var AppointmentKind = List{Name: "appointment_kind", Columns: []string{"appointments.kind"}, Codes: []Code{
	{"meeting_school", "Möte i skolan"},
	{"home_visit", "Hembesök"},
	{"meeting_office", "Möte på kontoret"},
	{"call_back", "Ringa upp"},
	{"other", "Annat"},
}}

// All is every list, for the tests that hold the database and the pages to
// them.
var All = []List{Gender, UpperSecondary, Source, RegistrationReason, Deregistration, ProjectEnd, Occupation, Status,
	ContactOccupation, Channel, Direction, SMSStatus, Party, Letter, Method, EnrolmentKind, Aim, Referral, GoalStatus, MeasureType, Responsible, MeasureEnd,
	Followup, SurveyAnswer, LabourMarket, Education, SurveyQuestion, GenderPlural, FollowupShort, OrgKind,
	NoteSource, ConsentGiver, ConsentMethod, NoticeOutcome, NoticeHandling, AppointmentKind}
