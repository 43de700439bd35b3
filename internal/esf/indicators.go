package esf

// Who gives an indicator's value.
const (
	ByProject  = "project"  // the project reports it in the monthly file
	ByRegister = "register" // SCB derives it from registers, through the personnummer
	ByNobody   = "none"     // neither: not collected (sensitive, or a sample survey)
)

// Indicator is one ESF+ common indicator for participants and who gives
// its value.
type Indicator struct {
	Label  string // the indicator, in Swedish
	By     string // ByProject, ByRegister or ByNobody
	From   string // what the value is made from, in Swedish
	Source string // the source saying so; SourceAssumption where it is ours
}

// Indicators are the ESF+ common indicators for participants (Regulation
// (EU) 2021/1057, Annex I, points 1.1–1.3 and 2–3), one by one. The list is
// the regulation's; which register SCB uses for each is our reading of
// SCB's and Svenska ESF-rådet's pages (the register solution as a whole is
// confirmed, the register per indicator is not: docs/design/esf-reporting.md).
var Indicators = []Indicator{
	{"Totalt antal deltagare", ByProject, "Personnummer, startdatum och slutdatum i månadsfilen", SourceSCB},
	{"Kvinnor, män och icke-binära", ByProject, "Kön i månadsfilen (icke-binär går inte att läsa ut ur personnumret)", SourceESFPlus},
	{"Tid i projektet", ByProject, "Timmar i projektet per månad i månadsfilen", SourceESFTime},
	{"Arbetslösa, även långtidsarbetslösa", ByRegister, "Arbetsförmedlingens register", SourceRegisters},
	{"Långtidsarbetslösa", ByRegister, "Arbetsförmedlingens register", SourceRegisters},
	{"Utanför arbetskraften", ByRegister, "SCB:s register över sysselsättning och studier", SourceAssumption},
	{"Sysselsatta, även egna företagare", ByRegister, "SCB:s register över sysselsättning", SourceAssumption},
	{"Barn under 18 år", ByRegister, "Personnumret och startdatumet", SourceAssumption},
	{"Unga 18–29 år", ByRegister, "Personnumret och startdatumet", SourceAssumption},
	{"55 år och äldre", ByRegister, "Personnumret och startdatumet", SourceAssumption},
	{"Grundskola eller kortare (ISCED 0–2)", ByRegister, "SCB:s utbildningsregister", SourceAssumption},
	{"Gymnasium eller eftergymnasial under tre år (ISCED 3–4)", ByRegister, "SCB:s utbildningsregister", SourceAssumption},
	{"Eftergymnasial (ISCED 5–8)", ByRegister, "SCB:s utbildningsregister", SourceAssumption},
	{"Medborgare i tredjeland", ByRegister, "Folkbokföringen (medborgarskap)", SourceAssumption},
	{"Utländsk bakgrund", ByRegister, "Folkbokföringen (födelseland, föräldrars födelseland)", SourceAssumption},
	{"Deltagare med funktionsnedsättning", ByNobody, "Känslig uppgift (hälsa): produkten samlar inte in den", SourceESFPlus},
	{"Minoriteter (även marginaliserade grupper som romer)", ByNobody, "Känslig uppgift (etniskt ursprung): produkten samlar inte in den", SourceESFPlus},
	{"Hemlösa eller utestängda från bostadsmarknaden", ByNobody, "Urvalsundersökning enligt förordningen: produkten samlar inte in den", SourceESFPlus},
	{"Från landsbygden", ByRegister, "Folkbokföringsadressen", SourceAssumption},
	{"Söker arbete efter avslut", ByRegister, "Arbetsförmedlingens register och slutdatumet", SourceRegisters},
	{"I utbildning efter avslut", ByRegister, "SCB:s register över studier och slutdatumet", SourceAssumption},
	{"Har fått en kvalifikation efter avslut", ByRegister, "SCB:s utbildningsregister och slutdatumet", SourceAssumption},
	{"I arbete, även egna företagare, efter avslut", ByRegister, "SCB:s register över sysselsättning och slutdatumet", SourceAssumption},
	{"I arbete sex månader efter avslut", ByRegister, "SCB:s register över sysselsättning och slutdatumet", SourceAssumption},
}

// ByLabel is the Swedish name of who gives a value.
func ByLabel(by string) string {
	switch by {
	case ByProject:
		return "Projektet rapporterar"
	case ByRegister:
		return "SCB hämtar ur register"
	}
	return "Samlas inte in"
}

// SourceLabel is the source as the page shows it.
func SourceLabel(s string) string {
	if s == SourceAssumption {
		return "Vårt antagande, inte bekräftat"
	}
	return s
}
