package export

import (
	"strconv"
	"strings"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/participant"
)

// Column is one variable of the export, as the codebook describes it.
type Column struct {
	Name        string
	Description string
	Group       string    // the label group of its categories, "" for numbers and text
	Codes       []string  // its categories
	About       [2]string // a label group and code the description ends with, named in Swedish in the codebook
	value       func(Row) string
}

var (
	genders   = codes.Gender.Keys()
	surveyQs  = codes.SurveyQuestion.Keys()
	quasiDesc = " Kvasiidentifierare: kan vara generaliserad (se rapporten) eller dold i enskilda rader (värdet ”dold”)."
)

// numeric reports whether the column holds counts or 1/0 flags.
func (c Column) numeric() bool {
	switch c.Name {
	case "id", "kommun", "delprojekt", "alder", "startperiod", "slutperiod":
		return false
	}
	return c.Group == ""
}

// slug makes a Swedish label part of a variable name, as R and SPSS take
// them: "Möte på kontoret" is mote_pa_kontoret.
func slug(label string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(label) {
		switch {
		case r == 'å' || r == 'ä':
			r = 'a'
		case r == 'ö':
			r = 'o'
		case r == 'é':
			r = 'e'
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			sep = false
		} else {
			sep = true
		}
	}
	return b.String()
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func num(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func flag(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "1"
	}
	return "0"
}

// Columns lists the export's variables in order.
func Columns() []Column {
	cols := []Column{
		{Name: "id", Description: "Pseudonym för personen: HMAC-SHA256 av personnumret med en hemlig nyckel, de första 128 bitarna. Projektets export och varje kommuns egen export har var sin nyckel. Samma person får samma id i varje export med samma nyckel tills nyckeln byts; id:t kan inte räknas tillbaka utan nyckeln.",
			value: func(r Row) string { return r.Pseudonym }},
		{Name: "kommun", Description: "Kommunen (organisationen) där personen var inskriven; generaliserad: länet eller ”hela projektet”." + quasiDesc, value: func(r Row) string { return r.Municipality }},
		{Name: "delprojekt", Description: "Delprojektet; generaliserat: ”alla delprojekt i kommunen”, ”… i länet” eller ”hela projektet”." + quasiDesc, value: func(r Row) string { return r.Subproject }},
		{Name: "kon", Description: "Kön som det är registrerat; ”alla” när det är generaliserat." + quasiDesc, Group: "gender", Codes: genders, value: func(r Row) string { return r.Gender }},
		{Name: "alder", Description: "Ålder i år när inskrivningen i delprojektet började, eller en grupp: två år (18–19), fem år (15–19, 20–24) eller ”alla åldrar”." + quasiDesc,
			value: func(r Row) string { return r.Age }},
		{Name: "startperiod", Description: "Månad (ÅÅÅÅ-MM), kvartal (ÅÅÅÅ-K1) eller år då inskrivningen började, eller ”hela perioden”; aldrig ett datum." + quasiDesc,
			value: func(r Row) string { return r.Entry }},
		{Name: "slutperiod", Description: "Månad, kvartal eller år då inskrivningen slutade, ”pågår” om den inte har slutat, eller ”hela perioden”." + quasiDesc,
			value: func(r Row) string { return r.Exit }},
		{Name: "dagar_i_projektet", Description: "Dagar från inskrivningens start till dess slut, eller till periodens slut (eller i dag) om den pågår.",
			value: func(r Row) string { return strconv.Itoa(r.DaysInProject) }},
		{Name: "registreringsorsak", Description: "Skäl till registreringen i KAA-registret, från personens senaste registrering; ”Uppgift saknas” om den saknas eller om personen inte har varit registrerad.",
			Group: "reason", Codes: participant.RegistrationReasons, value: func(r Row) string { return r.RegistrationReason }},
		{Name: "avslutsorsak", Description: "Varför inskrivningen slutade; tomt om den pågår.", Group: "project_end", Codes: participant.ProjectEnds,
			value: func(r Row) string { return str(r.EndReason) }},
		{Name: "esf_arbetsmarknad_start", Description: "ESF+: ställning på arbetsmarknaden när inskrivningen i delprojektet började; tomt om den inte är registrerad.",
			Group: "labour_market", Codes: participant.LabourMarketStatuses, value: func(r Row) string { return str(r.LabourMarket) }},
		{Name: "esf_utbildningsniva_start", Description: "ESF+: utbildningsnivå när inskrivningen i delprojektet började; tomt om den inte är registrerad.",
			Group: "education", Codes: participant.EducationLevels, value: func(r Row) string { return str(r.Education) }},
	}
	for _, ch := range participant.Channels {
		cols = append(cols,
			Column{Name: "kontakter_" + slug(codes.Channel.Label(ch)), Description: "Kontaktförsök under inskrivningen (antal), kanal: ", About: [2]string{"channel", ch},
				value: func(r Row) string { return strconv.Itoa(r.Contacts[ch][0]) }},
			Column{Name: "nadda_" + slug(codes.Channel.Label(ch)), Description: "Kontakter under inskrivningen som nådde fram (antal), kanal: ", About: [2]string{"channel", ch},
				value: func(r Row) string { return strconv.Itoa(r.Contacts[ch][1]) }})
	}
	cols = append(cols,
		Column{Name: "dagar_till_forsta_kontakt", Description: "Dagar från att personen identifierades till det första kontaktförsöket; tomt om inget försök gjorts.",
			value: func(r Row) string { return num(r.DaysToFirstContact) }},
		Column{Name: "har_plan", Description: "1 om personen har en individuell handlingsplan, annars 0.", value: func(r Row) string {
			return flag(&r.HasPlan)
		}},
		Column{Name: "antal_mal", Description: "Antal mål (utan delmål) i den gällande handlingsplanen.", value: func(r Row) string { return strconv.Itoa(r.Goals) }},
	)
	for _, t := range participant.MeasureTypes {
		cols = append(cols, Column{Name: "atgarder_" + slug(codes.MeasureType.Label(t)), Description: "Åtgärder i den gällande planen (antal), typ: ", About: [2]string{"measure_type", t},
			value: func(r Row) string { return strconv.Itoa(r.MeasuresByType[t]) }})
	}
	for _, a := range participant.Responsibles {
		cols = append(cols, Column{Name: "ansvar_" + slug(codes.Responsible.Label(a)), Description: "Åtgärder i den gällande planen (antal), ansvarig: ", About: [2]string{"responsible", a},
			value: func(r Row) string { return strconv.Itoa(r.MeasuresByResponsible[a]) }})
	}
	cols = append(cols,
		Column{Name: "utfall_avslut", Description: "Var personen var vid uppföljningen vid avslut; tomt om den inte är gjord.",
			Group: "occupation", Codes: participant.FollowUpOccupations, value: func(r Row) string { return str(r.OutcomeExit) }},
		Column{Name: "utfall_sex_manader", Description: "Var personen var sex månader efter avslut; tomt om uppföljningen inte är gjord.",
			Group: "occupation", Codes: participant.FollowUpOccupations, value: func(r Row) string { return str(r.OutcomeSixMonths) }},
		Column{Name: "esf_arbetssokande", Description: "ESF+: arbetssökande vid avslut (1/0, tomt om okänt).", value: func(r Row) string { return flag(r.ESFJobSearching) }},
		Column{Name: "esf_utbildning", Description: "ESF+: i utbildning vid avslut (1/0, tomt om okänt).", value: func(r Row) string { return flag(r.ESFInEducation) }},
		Column{Name: "esf_kvalifikation", Description: "ESF+: har fått en kvalifikation vid avslut (1/0, tomt om okänt).", value: func(r Row) string { return flag(r.ESFQualification) }},
		Column{Name: "esf_sysselsatt", Description: "ESF+: i arbete vid avslut (1/0, tomt om okänt).", value: func(r Row) string { return flag(r.ESFEmployed) }},
		Column{Name: "esf_sysselsatt_sex_manader", Description: "ESF+: i arbete sex månader efter avslut (1/0, tomt om okänt).",
			value: func(r Row) string { return flag(r.ESFEmployedSixMonths) }},
	)
	survey := []func(Row) *string{
		func(r Row) *string { return r.SurveyLongTermGoal }, func(r Row) *string { return r.SurveyClearPlan },
		func(r Row) *string { return r.SurveyRespect }, func(r Row) *string { return r.SurveyBarrier },
	}
	names := []string{"enkat_langsiktigt_mal", "enkat_tydlig_plan", "enkat_respekt", "enkat_tillganglighet"}
	for i, q := range surveyQs {
		cols = append(cols, Column{Name: names[i], Description: "Den ungas eget svar vid avslut (tomt om inte besvarad), fråga: ", About: [2]string{"survey_question", q},
			Group: "answer", Codes: participant.SurveyAnswers, value: func(r Row) string { return str(survey[i](r)) }})
	}
	return cols
}
