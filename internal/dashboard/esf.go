package dashboard

import "github.com/kaa-plattform/kaa/internal/codes"

// ESFTable is one table of the ESF+ common indicators as the ESF page shows
// it. Its first row is the whole the parts of each of Sums add up to; the
// parts not shown (Hidden: unknown status, age over 29, unknown education)
// still count in the suppression, so that nothing shown gives a small one
// away. project_esf_indicators gives each key by gender (ESFKey).
type ESFTable struct {
	ID, Caption string
	Rows        []Indicator
	Sums        [][]string // a total, then the parts that add up to it
	Hidden      []string   // in the sums, not shown
}

// ESFTables are the ESF page's tables, in order.
var ESFTables = []ESFTable{
	{ID: "deltagare", Caption: "Deltagare vid start, efter ställning på arbetsmarknaden, ålder och utbildning",
		Rows: []Indicator{{"participants", "Deltagare"}, {"unemployed", "Arbetslösa, även långtidsarbetslösa"}, {"long_term_unemployed", "Långtidsarbetslösa"},
			{"inactive", "Utanför arbetskraften"}, {"employed", "Sysselsatta, även egna företagare"}, {"under_18", "Under 18 år"}, {"age_18_29", "18–29 år"},
			{"isced_0_2", "Grundskola eller kortare (ISCED 0–2)"}, {"isced_3_4", "Gymnasium (ISCED 3–4)"}, {"isced_5_8", "Eftergymnasial (ISCED 5–8)"}},
		Sums: [][]string{{"participants", "unemployed", "inactive", "employed", "status_unknown"}, {"participants", "under_18", "age_18_29", "age_30_plus"},
			{"participants", "isced_0_2", "isced_3_4", "isced_5_8", "education_unknown"}},
		Hidden: []string{"status_unknown", "age_30_plus", "education_unknown"}},
	{ID: "resultat", Caption: "Resultat vid avslut (uppföljningar vid avslut under perioden)",
		Rows: []Indicator{{"exits", "Uppföljda vid avslut"}, {"job_searching", "Söker arbete"}, {"in_education", "I utbildning"},
			{"qualification", "Har fått en kvalifikation"}, {"employed_at_exit", "I arbete, även egna företagare"}}},
	{ID: "sex-manader", Caption: "Resultat sex månader efter avslut (uppföljningar under perioden)",
		Rows: []Indicator{{"six_months", "Uppföljda sex månader efter avslut"}, {"employed_six_months", "I arbete, även egna företagare"}}},
}

// ESFAll is the "gender" of everyone in project_esf_indicators: the sum of
// the genders.
const ESFAll = "all"

// ESFKey is the key BuildESF gives indicator for gender (a codes.Gender key
// or ESFAll).
func ESFKey(indicator, gender string) string { return indicator + "_" + gender }

// ESFGenders are the genders each ESF indicator is shown for, then everyone.
func ESFGenders() []Indicator {
	var out []Indicator
	for _, c := range codes.GenderPlural.Codes {
		out = append(out, Indicator{c.Key, c.Label})
	}
	return append(out, Indicator{ESFAll, "totalt"})
}

// Table is t of u: every indicator (the hidden parts too) by gender, the
// genders adding up to everyone, and each of t's sums holding gender by
// gender.
func (t ESFTable) Table(u Umbrella) (Table, []Indicator) {
	var keys []string
	var sums [][]string
	genders := ESFGenders()
	for _, ind := range append(Keys(t.Rows), t.Hidden...) {
		sum := []string{ESFKey(ind, ESFAll)}
		for _, g := range genders {
			keys = append(keys, ESFKey(ind, g.Key))
			if g.Key != ESFAll {
				sum = append(sum, ESFKey(ind, g.Key))
			}
		}
		sums = append(sums, sum)
	}
	var rows []Indicator
	for _, row := range t.Rows {
		for _, g := range genders {
			rows = append(rows, Indicator{ESFKey(row.Key, g.Key), row.Label + ", " + g.Label})
		}
	}
	for _, s := range t.Sums {
		for _, g := range genders {
			var sum []string
			for _, ind := range s {
				sum = append(sum, ESFKey(ind, g.Key))
			}
			sums = append(sums, sum)
		}
	}
	return u.Table(keys, sums...), rows
}
