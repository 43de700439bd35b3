package letter

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/internal/participant"
)

func date(s string) time.Time {
	t, _ := time.Parse("2006-01-02", s)
	return t
}

// TestEveryTemplateMerges: every letter of codes.Letter has a template,
// every merge field it uses is known, and the composed letter says what KAA
// is, that it is voluntary, and how to reach the coordinator.
func TestEveryTemplateMerges(t *testing.T) {
	p := Person{FirstName: "Alva", LastName: "Andersson", Street: "Storgatan 3", PostalCode: "283 31", City: "Osby", BirthDate: date("2010-06-01")}
	s := participant.ContactPerson{Name: "Sam Samordnare", Email: "sam@osby.se", Phone: "070-123 45 67"}
	r := Request{MeetingDate: date("2026-12-10"), MeetingTime: "14:30", MeetingPlace: "Ungdomens hus"}
	for _, kind := range codes.Letter.Keys() {
		if _, ok := templates[kind]; !ok {
			t.Fatalf("%s: no template", kind)
		}
		r.Kind = kind
		l := Compose(r, p, s, "Osby kommun", date("2026-12-06"))
		text := l.Greeting + "\n" + strings.Join(l.Paragraphs, "\n")
		if i := strings.IndexAny(text, "{}"); i >= 0 {
			t.Errorf("%s: an unknown merge field is left: %q", kind, text[i:])
		}
		for _, want := range []string{"aktivitetsansvar", "frivilligt", "Ring eller sms:a mig på 070-123 45 67, eller mejla sam@osby.se.", "Osby kommun", "Sam Samordnare"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the letter does not say %q", kind, want)
			}
		}
		if l.Date != "6 december 2026" || l.Title != codes.Letter.Label(kind) || l.Municipality != "Osby kommun" {
			t.Errorf("%s: date %q, title %q", kind, l.Date, l.Title)
		}
	}
	r.Kind = Meeting
	if l := Compose(r, p, s, "Osby kommun", date("2026-12-06")); !strings.Contains(strings.Join(l.Paragraphs, " "), "torsdag 10 december 2026 klockan 14:30\nVar: Ungdomens hus") {
		t.Errorf("the meeting is not merged: %q", l.Paragraphs)
	}
	r.Kind = Guardian
	if l := Compose(r, p, s, "Osby kommun", date("2026-12-06")); l.Address[0] != "Till vårdnadshavare för" || l.Party != participant.PartyGuardian {
		t.Errorf("guardian letter: address %q, party %q", l.Address, l.Party)
	}
	s.Phone = "044-13 50 00"
	if got := reachMe(s); got != "Ring mig på 044-13 50 00, eller mejla sam@osby.se." {
		t.Errorf("landline: %q", got)
	}
	s.Phone = ""
	if got := reachMe(s); got != "Mejla mig på sam@osby.se." {
		t.Errorf("no phone: %q", got)
	}
}

// TestGuardianLetterOnlyUnder18: offered and allowed up to the day before
// the 18th birthday, not from it.
func TestGuardianLetterOnlyUnder18(t *testing.T) {
	birth := date("2008-12-06")
	if !slices.Contains(Offered(birth, date("2026-12-05")), Guardian) || Allowed(Guardian, birth, date("2026-12-05")) != nil {
		t.Error("the day before 18: no guardian letter")
	}
	if slices.Contains(Offered(birth, date("2026-12-06")), Guardian) || !errors.Is(Allowed(Guardian, birth, date("2026-12-06")), ErrGuardianAdult) {
		t.Error("on the 18th birthday: a guardian letter")
	}
	if len(Offered(birth, date("2026-12-06"))) != len(codes.Letter.Codes)-1 {
		t.Error("an adult is not offered the other letters")
	}
	if !errors.Is(Allowed("brev", birth, date("2026-12-06")), ErrUnknown) {
		t.Error("an unknown letter is allowed")
	}
}
