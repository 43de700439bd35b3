package letter

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/participant"
)

// template is one letter's text. A merge field is written {name}; Fields
// lists them.
type template struct {
	greeting   string
	paragraphs []string
}

// kaa says in one sentence what the activity responsibility is, in the words
// of a 16–20-year-old reader.
const kaa = "Kommunens aktivitetsansvar betyder att kommunen ska hålla kontakt med unga under 20 år som inte går i gymnasiet, och erbjuda stöd till den som vill."

// The letters. Plain, friendly Swedish for a 16–20-year-old: who writes and
// why, what KAA is in one sentence, that taking part is voluntary, and how to
// reach the coordinator. No legalese; the guardian letter speaks to an adult.
var templates = map[string]template{
	First: {"Hej {förnamn}!", []string{
		"Jag heter {handläggare} och jobbar på {kommun}. " + kaa,
		"Därför skriver jag till dig. Jag vill gärna höra hur du har det och vad du skulle vilja göra framåt. Det kan handla om att börja plugga igen, hitta en praktik eller ett jobb, eller bara att prata om vad som skulle passa dig.",
		"Det är frivilligt. Du bestämmer själv om du vill ha kontakt med mig, och det kostar ingenting.",
		"{nå mig} Jag svarar så snart jag kan.",
	}},
	Reminder: {"Hej igen, {förnamn}!", []string{
		"Jag skrev till dig för ett tag sedan, men vi har inte hörts än. Jag vill fortfarande gärna höra hur du har det.",
		"Jag heter {handläggare} och jobbar på {kommun}. " + kaa,
		"Det är frivilligt att höra av sig. Om du redan har något på gång, som studier eller ett jobb, är det också bra att veta – berätta gärna det.",
		"{nå mig}",
	}},
	Meeting: {"Hej {förnamn}!", []string{
		"Jag vill gärna träffa dig och prata om vad du vill göra framåt, till exempel studier, praktik eller jobb. Vi bestämmer tillsammans vad som passar dig.",
		"När: {mötesdag} klockan {mötestid}\nVar: {mötesplats}",
		"Jag heter {handläggare} och jobbar på {kommun}. " + kaa,
		"Det är frivilligt att komma. Du får gärna ta med någon du litar på. Om tiden inte passar, hör av dig så hittar vi en annan.",
		"{nå mig}",
	}},
	Guardian: {"Hej!", []string{
		"Jag heter {handläggare} och arbetar på {kommun}. Jag skriver till dig som är vårdnadshavare för {namn}, eftersom {förnamn} är under 18 år.",
		kaa + " Därför har jag försökt nå {förnamn}.",
		"Det är frivilligt för {förnamn} att ta emot stöd. Men det hjälper ofta att ha någon att prata med om studier, praktik eller jobb. Prata gärna med {förnamn} om det här brevet.",
		"Du är välkommen att höra av dig om du har frågor. {nå mig}",
	}},
}

// Fields are the merge fields a template may use, with what each holds.
var Fields = []struct{ Name, Holds string }{
	{"förnamn", "the young person's first name"},
	{"namn", "the young person's full name"},
	{"kommun", "the municipality's name"},
	{"handläggare", "the contact person's name"},
	{"telefon", "the contact person's phone"},
	{"e-post", "the contact person's e-mail"},
	{"nå mig", "one sentence with how to reach the contact person: phone (call or text for a mobile) and e-mail"},
	{"datum", "today's date"},
	{"mötesdag", "the meeting's weekday and date"},
	{"mötestid", "the meeting's time"},
	{"mötesplats", "the meeting's place"},
}

var field = regexp.MustCompile(`\{[^{}]+\}`)

func merge(text string, f map[string]string) string {
	return field.ReplaceAllStringFunc(text, func(m string) string {
		if v, ok := f[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

func fields(r Request, p Person, s participant.ContactPerson, municipality string, today time.Time) map[string]string {
	f := map[string]string{
		"förnamn": p.FirstName, "namn": strings.TrimSpace(p.FirstName + " " + p.LastName), "kommun": municipality,
		"handläggare": s.Name, "telefon": s.Phone, "e-post": s.Email, "datum": LongDate(today),
		"mötestid": r.MeetingTime, "mötesplats": r.MeetingPlace,
	}
	if !r.MeetingDate.IsZero() {
		f["mötesdag"] = weekdays[r.MeetingDate.Weekday()] + " " + LongDate(r.MeetingDate)
	}
	f["nå mig"] = reachMe(s)
	return f
}

// reachMe is how to reach s, in one or two sentences.
func reachMe(s participant.ContactPerson) string {
	switch {
	case s.Phone != "" && mobile(s.Phone):
		return fmt.Sprintf("Ring eller sms:a mig på %s, eller mejla %s.", s.Phone, s.Email)
	case s.Phone != "":
		return fmt.Sprintf("Ring mig på %s, eller mejla %s.", s.Phone, s.Email)
	}
	return fmt.Sprintf("Mejla mig på %s.", s.Email)
}

// mobile reports whether a Swedish number is a mobile one (07…, +46 7…).
func mobile(phone string) bool {
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, strings.Replace(phone, "(0)", "", 1))
	return strings.HasPrefix(d, "07") || strings.HasPrefix(d, "467") || strings.HasPrefix(d, "00467")
}

var monthNames = [12]string{"januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"}
var weekdays = [7]string{"söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"}

// LongDate is a date as a letter writes it: 6 december 2026.
func LongDate(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), monthNames[t.Month()-1], t.Year())
}
