package accounts

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/kaa-plattform/kaa/internal/auth"
)

func TestReadList(t *testing.T) {
	t.Parallel()
	t.Run("OneNameColumnCommaSeparated", func(t *testing.T) {
		rows, err := ReadList("a.csv", []byte("Namn,E-postadress,Roller\n\"Lind, Lisa\",lisa@k.se,samordnare\n"))
		if err != nil || len(rows) != 1 || rows[0].Name != "Lind, Lisa" || rows[0].Email != "lisa@k.se" || rows[0].Line != 2 {
			t.Fatalf("%+v %v", rows, err)
		}
	})
	t.Run("FirstAndLastName", func(t *testing.T) {
		rows, err := ReadList("a.csv", []byte("Lista\nFörnamn;Efternamn;E-post;Behörighet\nOmar;Ek;omar@k.se;administratör\n"))
		if err != nil || len(rows) != 1 || rows[0].Name != "Omar Ek" || rows[0].Line != 3 {
			t.Fatalf("%+v %v", rows, err)
		}
	})
	for name, data := range map[string]string{
		"Empty":      "",
		"OnlyHeader": "E-post;Namn;Roll\n",
		"NoEmail":    "Namn;Roll;Telefon\nA;samordnare;1\n",
		"Duplicate":  "E-post;Namn;Roll\na@k.se;A;samordnare\nA@K.SE ;B;samordnare\n",
		"Binary":     "%PDF-1.7\x00\x00",
	} {
		t.Run(name, func(t *testing.T) {
			var le *ListError
			if _, err := ReadList("x.csv", []byte(data)); !errors.As(err, &le) || le.Msg == "" {
				t.Errorf("err %v, want a *ListError", err)
			}
		})
	}
}

func TestParseRoles(t *testing.T) {
	t.Parallel()
	admin := []auth.Role{auth.MunicipalityAdmin}
	for cell, want := range map[string][]auth.Role{
		"samordnare":                    {auth.Coordinator},
		"KAA-samordnare; Administratör": {auth.Coordinator, auth.MunicipalityAdmin},
		"samordnare och admin":          {auth.Coordinator, auth.MunicipalityAdmin},
	} {
		if got, reason := parseRoles(cell, admin); reason != "" || !slices.Equal(got, want) {
			t.Errorf("%q: %v %q", cell, got, reason)
		}
	}
	for cell, want := range map[string]string{
		"":                    "Ange en roll",
		"läsbehörig":          "Okänd roll",
		"projektledare":       "kan inte ges",
		"systemadministratör": "kan inte ges",
	} {
		if _, reason := parseRoles(cell, admin); !strings.Contains(reason, want) {
			t.Errorf("%q: %q, want %q", cell, reason, want)
		}
	}
	// A coordinator gives no role at all.
	if _, reason := parseRoles("samordnare", []auth.Role{auth.Coordinator}); reason == "" {
		t.Error("a coordinator may grant a role")
	}
}
