package views

import (
	"fmt"
	"time"

	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/sv"
)

// Swedish names of the codes stored in the register.
var labels = map[string]map[string]string{
	"status": {
		"identified": "Identifierad", "contact_attempted": "Kontakt sökt", "in_contact": "I kontakt",
		"active_plan": "Aktiv med plan", "ended": "Avslutad",
	},
	"gender": {"woman": "Kvinna", "man": "Man", "non_binary": "Icke-binär", "not_stated": "Ej angivet"},
	"upper_secondary": {
		"never_started": "Har inte börjat gymnasiet", "dropped_out": "Avbrutit ett nationellt program",
		"study_certificate": "Avslutat med studiebevis (utan examen)", "unknown": "Okänt",
	},
	"source": {
		"school_dropout_notice": "Avbrottsanmälan från skolan", "school_list": "Lista från skolans system",
		"self_referral": "Tog kontakt själv", "social_services": "Socialtjänsten", "arbetsformedlingen": "Arbetsförmedlingen", "other": "Annat",
	},
	"reason": {
		"im_at_registration": "Gick på introduktionsprogram vid registreringen", "dropped_out": "Avbrott från nationellt program",
		"study_certificate": "Avslutat med studiebevis", "never_started": "Har aldrig påbörjat gymnasiet", "unknown": "Okänd",
	},
	"end_reason": {
		"national_programme": "Började på nationellt program", "introduction_programme": "Började på introduktionsprogram",
		"equivalent_education": "Började likvärdig utbildning", "completed": "Fullföljt", "turned_20": "Fyllde 20 år",
		"moved": "Flyttade", "project_exit": "Avslut i projektet", "declined": "Tackade nej", "other": "Annat",
	},
	"channel": {
		"sms": "Sms", "phone": "Telefonsamtal", "social_media": "Sociala medier", "email": "E-post", "letter": "Brev",
		"home_visit": "Hembesök", "meeting_office": "Möte på kontoret", "meeting_school": "Möte på skolan", "meeting_other": "Möte på annan plats",
	},
	"method":    {"": "Ingen särskild", "mi": "Motiverande samtal (MI)", "coaching": "Coachning", "solution_focused": "Lösningsfokuserat samtal", "7tjugo": "7-Tjugo", "other": "Annan metod"},
	"enrolment": {"kaa": "KAA-registret", "project": "Projekt"},
	"direction": {"outgoing": "Utgående", "incoming": "Inkommande"},
	"aim":       {"studies": "Studier", "work": "Arbete", "other": "Annat", "undecided": "Inte bestämt ännu"},
	"referral": {"school": "Skolan (elevhälsan)", "social_services": "Socialtjänsten", "arbetsformedlingen": "Arbetsförmedlingen",
		"health_care": "Hälso- och sjukvården", "youth_clinic": "Ungdomsmottagningen", "other": "Annan"},
	"goal_status": {"not_started": "Inte påbörjat", "in_progress": "Pågår", "reached": "Uppnått", "dropped": "Avbrutet"},
	"measure_type": {"introduction_programme": "Studier på introduktionsprogram", "komvux": "Komvux", "folkhogskola": "Folkhögskola",
		"work_placement": "Praktik", "guidance": "Studie- och yrkesvägledning", "arbetsformedlingen": "Insats via Arbetsförmedlingen",
		"municipal_labour": "Kommunal arbetsmarknadsinsats", "support": "Motiverande eller socialt stöd", "other": "Annan insats"},
	"responsible": {"young_person": "Den unga själv", "municipality": "Kommunen", "school": "Skolan", "arbetsformedlingen": "Arbetsförmedlingen",
		"social_services": "Socialtjänsten", "health_care": "Hälso- och sjukvården", "other": "Annan aktör"},
	"occupation": {"national_programme": "Studier på nationellt program", "introduction_programme": "Studier på introduktionsprogram",
		"komvux": "Komvux", "folkhogskola": "Folkhögskola", "studies_other": "Andra studier", "work": "Arbete",
		"work_placement": "Praktik", "arbetsformedlingen": "Program via Arbetsförmedlingen", "municipal_measure": "Kommunal insats",
		"health_care": "Vård eller behandling", "no_activity": "Ingen aktivitet", "not_reachable": "Gick inte att nå", "moved": "Flyttat"},
	"followup": {"exit": "Uppföljning vid avslut", "six_months": "Uppföljning sex månader efter avslut"},
	"answer":   {"yes": "Ja", "no": "Nej", "no_answer": "Vill inte svara"},
	"survey_question": {"long_term_goal": "Har ett långsiktigt mål", "clear_plan": "Har en tydlig plan framåt",
		"respect": "Har blivit bemött med respekt", "no_barrier": "Kunde delta utan hinder för tillgänglighet"},
	"gender_plural":  {"woman": "kvinnor", "man": "män", "non_binary": "icke-binära", "not_stated": "kön ej angivet"},
	"followup_short": {"exit": "Vid avslut", "six_months": "Efter sex månader"},
	"labour_market": {"unemployed": "Arbetslös", "long_term_unemployed": "Långtidsarbetslös", "inactive": "Utanför arbetskraften (varken arbetar eller söker arbete)",
		"employed": "Sysselsatt (även egen företagare)"},
	"education": {"isced_0_2": "Grundskola eller kortare (ISCED 0–2)", "isced_3_4": "Gymnasium eller motsvarande (ISCED 3–4)",
		"isced_5_8": "Eftergymnasial utbildning (ISCED 5–8)"},
	"measure_end": {"completed": "Genomförd", "dropped_out": "Avbruten", "studies": "Gick vidare till studier", "work": "Gick vidare till arbete", "other": "Annat"},
	"queue": {
		"never_contacted":    "Aldrig kontaktade",
		"no_recent_contact":  "Ingen kontakt på länge",
		"never_reached":      "Kontakt sökt men aldrig nådda",
		"turns_20":           "Fyller 20 inom 60 dagar",
		"identified_waiting": "Identifierade för mer än 14 dagar sedan utan kontaktförsök",
		"followups_due":      "Uppföljningar att göra (inom en vecka eller försenade)",
		"plan_review_passed": "Handlingsplaner vars uppföljningsdatum har passerat",
		"long_measures":      "Insatser utan slutdatum som började för mer än sex månader sedan",
	},
}

// Label is the Swedish name of a code in a group ("status", "channel", ...).
func Label(group, code string) string {
	if l, ok := labels[group][code]; ok {
		return l
	}
	return code
}

// Option is one choice of a select or radio group.
type Option struct {
	Value, Label string
}

// Options returns the choices for codes in a group.
func Options(group string, codes []string) []Option {
	out := make([]Option, len(codes))
	for i, c := range codes {
		out[i] = Option{c, Label(group, c)}
	}
	return out
}

// Date formats a date the Swedish way (2026-11-23).
func Date(t time.Time) string { return sv.Date(t) }

// DatePtr formats an optional date, "–" when absent.
func DatePtr(t *time.Time) string {
	if t == nil {
		return "–"
	}
	return Date(*t)
}

// DateTime formats a moment in Swedish time.
func DateTime(t time.Time) string { return participant.Local(t).Format("2006-01-02 15:04") }

func itoa(n int) string { return fmt.Sprint(n) }
