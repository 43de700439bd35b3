package dashboard

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/sv"
)

// Indicator is one count the dashboards show: its key, as
// project_indicators names it and Municipality.Indicators gives it, and its
// Swedish label. The municipality dashboard, the umbrella and the ESF page
// all take their indicators from here; TestIndicatorsAgree holds the
// municipality's computation and project_indicators to the same keys and
// the same numbers.
type Indicator struct {
	Key   string
	Label string
}

// The indicators of the population of a period: the people enrolled (in the
// project's sub-projects, for the umbrella) at some time in it.
var (
	Participants    = Indicator{"participants", "Deltagare under perioden"}
	Identified      = Indicator{"identified", "Identifierade under perioden"}
	Contacted       = Indicator{"contacted", "Minst ett kontakttillfälle"}
	Reached         = Indicator{"reached", "Nådda"}
	WithPlan        = Indicator{"with_plan", "Med handlingsplan"}
	Contacts        = Indicator{"contacts", "Kontakter under perioden"}
	ContactsUnknown = Indicator{"contacts_unknown", "… med okänd sysselsättning"}
	MedianAttempt   = Indicator{"median_attempt_days", "Median dagar till första kontaktförsök"}
	MedianReached   = Indicator{"median_reached_days", "Median dagar till första kontakt som nådde fram"}
)

// Shares are the indicators shown as a share of the participants.
var Shares = []Indicator{Contacted, Reached, WithPlan}

// GenderOf is the participants of gender g (a codes.Gender key), "Kvinnor".
func GenderOf(g string) Indicator {
	return Indicator{"gender_" + g, capitalised(codes.GenderPlural.Label(g))}
}

// Genders are the participants by gender, in codes.Gender's order: they sum
// to Participants.
func Genders() []Indicator {
	out := make([]Indicator, 0, len(codes.Gender.Codes))
	for _, g := range codes.Gender.Keys() {
		out = append(out, GenderOf(g))
	}
	return out
}

// Main are the rows of the umbrella's main table, in order.
func Main() []Indicator {
	return append([]Indicator{Participants, Identified, Contacted, Reached, WithPlan}, Genders()...)
}

// ChannelAttempts and ChannelReached are the period's contacts by channel
// (a codes.Channel key); the attempts sum to Contacts.
func ChannelAttempts(ch string) Indicator {
	return Indicator{"channel_" + ch + "_attempts", codes.Channel.Label(ch) + ", försök"}
}

// ChannelReached: see ChannelAttempts.
func ChannelReached(ch string) Indicator {
	return Indicator{"channel_" + ch + "_reached", codes.Channel.Label(ch) + ", nådda"}
}

// Channels are every channel's attempts and reached contacts.
func Channels() []Indicator {
	var out []Indicator
	for _, ch := range codes.Channel.Keys() {
		out = append(out, ChannelAttempts(ch), ChannelReached(ch))
	}
	return out
}

// Outcome is the follow-ups of kind (codes.Followup) done in the period that
// found occupation (codes.Occupation), for gender.
func Outcome(kind, occupation, gender string) Indicator {
	return Indicator{"outcome_" + kind + "_" + occupation + "_" + gender,
		codes.FollowupShort.Label(kind) + ": " + codes.Occupation.Label(occupation) + ", " + codes.GenderPlural.Label(gender)}
}

// Outcomes are every follow-up kind × occupation × gender.
func Outcomes() []Indicator {
	var out []Indicator
	for _, k := range codes.Followup.Keys() {
		for _, o := range codes.Occupation.Keys() {
			for _, g := range codes.Gender.Keys() {
				out = append(out, Outcome(k, o, g))
			}
		}
	}
	return out
}

// SurveyGenders are the genders the exit survey is counted for.
var SurveyGenders = []string{"woman", "man"}

// SurveyYes and SurveyAnswered are the exit survey's answers to question
// (codes.SurveyQuestion) by gender: yes, and yes or no ("no answer" left out).
func SurveyYes(question, gender string) string { return "survey_" + question + "_" + gender + "_yes" }

// SurveyAnswered: see SurveyYes.
func SurveyAnswered(question, gender string) string {
	return "survey_" + question + "_" + gender + "_answered"
}

// Present are those of inds that any member of u has, in Swedish order of
// their labels (by key where the labels are the same).
func (u Umbrella) Present(inds []Indicator) []Indicator {
	var out []Indicator
	for _, ind := range inds {
		for _, counts := range u.Counts {
			if _, ok := counts[ind.Key]; ok {
				out = append(out, ind)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	sv.SortBy(out, func(ind Indicator) string { return ind.Label })
	return out
}

// Keys are the keys of inds.
func Keys(inds []Indicator) []string {
	out := make([]string, len(inds))
	for i, ind := range inds {
		out[i] = ind.Key
	}
	return out
}

// Target is an indicator a project sets a goal for (project_targets).
type Target struct {
	Key      string  // project_targets.indicator
	Label    string  // as the project's owner sets it
	Form     bool    // offered in the project's set-up
	Question string  // the survey question it is a minimum share of yes for, "" for none
	Goal     float64 // for a question: #KlarFramtid's goal, which the municipality dashboard compares with
}

// Targets are every target a project can have.
var Targets = []Target{
	{Key: "planned_participants", Label: "Planerade deltagare", Form: true},
	{Key: "planned_participants_po2", Label: "Planerade deltagare (programområde 2)"},
	{Key: "women_share_min", Label: "Andel kvinnor, minst (%)", Form: true},
	{Key: "women_share_max", Label: "Andel kvinnor, högst (%)", Form: true},
	{Key: "survey_long_term_goal_min", Label: "Har ett långsiktigt mål vid avslut, minst (%)", Form: true, Question: "long_term_goal", Goal: 50},
	{Key: "survey_clear_plan_min", Label: "Har en tydlig plan framåt, minst (%)", Form: true, Question: "clear_plan", Goal: 75},
	{Key: "survey_respect_min", Label: "Har blivit bemötta med respekt, minst (%)", Form: true, Question: "respect", Goal: 95},
	{Key: "survey_no_access_barrier_min", Label: "Kunde delta utan tillgänglighetshinder, minst (%)", Form: true, Question: "no_barrier", Goal: 100},
}

// TargetByKey is the target stored under key, and whether there is one.
func TargetByKey(key string) (Target, bool) {
	for _, t := range Targets {
		if t.Key == key {
			return t, true
		}
	}
	return Target{}, false
}

// Max is the largest value the target may be set to: a share is at most
// 100 %, a number of participants at most a million.
func (t Target) Max() float64 {
	if strings.HasPrefix(t.Key, "planned_participants") {
		return 1e6
	}
	return 100
}

// FormTargets are the targets a project's owner sets in its set-up, in order.
func FormTargets() []Target {
	var out []Target
	for _, t := range Targets {
		if t.Form {
			out = append(out, t)
		}
	}
	return out
}

// SurveyTarget is the target for question, and whether there is one.
func SurveyTarget(question string) (Target, bool) {
	for _, t := range Targets {
		if t.Question == question {
			return t, true
		}
	}
	return Target{}, false
}

// Indicators are m's counts under the keys project_indicators gives a
// member (a count of zero may be left out, as there): what the umbrella
// would show for this municipality when the dashboard is for the one
// sub-project it has in a project. The medians are there whatever the
// number of people behind them; the umbrella leaves out those of fewer than
// MinCell.
func (m Municipality) Indicators() map[string]int {
	out := map[string]int{
		Participants.Key: m.Population, Identified.Key: m.Identified, Contacted.Key: m.Contacted,
		Reached.Key: m.Reached, WithPlan.Key: m.WithPlan, Contacts.Key: m.ContactsInPeriod, ContactsUnknown.Key: m.OccupationUnknown,
	}
	for _, g := range m.Genders {
		out[GenderOf(g.Gender).Key] += g.Count
	}
	for _, c := range m.Channels {
		out[ChannelAttempts(c.Channel).Key] += c.Attempts
		out[ChannelReached(c.Channel).Key] += c.Reached
	}
	for _, c := range m.Outcomes {
		kind, occ, _ := strings.Cut(c.Category, ":")
		out[Outcome(kind, occ, c.Gender).Key] += c.Count
	}
	for _, s := range m.Survey {
		out[SurveyYes(s.Question, s.Gender)] += s.Yes
		out[SurveyAnswered(s.Question, s.Gender)] += s.Answered
	}
	if m.MedianDaysAttempt != nil {
		out[MedianAttempt.Key] = int(*m.MedianDaysAttempt)
	}
	if m.MedianDaysReached != nil {
		out[MedianReached.Key] = int(*m.MedianDaysReached)
	}
	return out
}

func capitalised(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
