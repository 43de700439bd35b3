// Package accounts creates staff accounts in bulk from a list and manages
// the project roles (project leader, evaluator) in the product: the domain
// of docs/design/accounts.md. Single accounts made by hand stay in
// internal/auth; CreateUserWithRoles is the one way here to make an
// invited account with roles, which other provisioning (SCIM) can share.
package accounts

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/kaalist"
)

// MaxRows is the most people one list may hold.
const MaxRows = 2000

// Row is one line of an uploaded list as read, before any check.
type Row struct {
	Line  int    `json:"line"` // the line (Excel row) in the file
	Email string `json:"email"`
	Name  string `json:"name"`
	Roles string `json:"roles"` // the role cell as written, e.g. "samordnare, administratör"
}

// ListError is a list refused as a whole; Msg says why in Swedish.
type ListError struct{ Msg string }

// Error returns the Swedish message.
func (e *ListError) Error() string { return e.Msg }

// roleHeaders are the headings of the role column, folded like kaalist's.
var roleHeaders = []string{"roll", "roller", "behörighet", "behorighet", "role", "roles"}

// ReadList reads a list of people (CSV or .xlsx, as kaalist reads a school
// list: encodings, separators, sheets, title rows) into rows. It needs a
// column of e-mail addresses, a name (Namn, or Förnamn and Efternamn) and a
// column of roles (Roll). Returns a *ListError for an unreadable, empty or
// header-only file, a missing column, more than MaxRows rows or an address
// given twice.
func ReadList(name string, data []byte) ([]Row, error) {
	t, err := kaalist.Read(name, data)
	var fe *kaalist.FileError
	if errors.As(err, &fe) {
		return nil, &ListError{Msg: fe.Msg}
	} else if err != nil {
		return nil, err
	}
	m := kaalist.Guess(t.Header)
	roleCol := -1
	for i, h := range t.Header {
		if slicesContainsFold(roleHeaders, h) {
			roleCol = i
			break
		}
	}
	var missing []string
	if m.Col(kaalist.FieldEmail) < 0 {
		missing = append(missing, "E-post")
	}
	if m.Col(kaalist.FieldName) < 0 && (m.Col(kaalist.FieldFirstName) < 0 || m.Col(kaalist.FieldLastName) < 0) {
		missing = append(missing, "Namn (eller Förnamn och Efternamn)")
	}
	if roleCol < 0 {
		missing = append(missing, "Roll")
	}
	if len(missing) > 0 {
		return nil, &ListError{Msg: "Listan saknar kolumnen " + strings.Join(missing, ", ") +
			". Första raden ska ha rubrikerna E-post, Förnamn, Efternamn (eller Namn) och Roll."}
	}
	if len(t.Rows) > MaxRows {
		return nil, &ListError{Msg: fmt.Sprintf("Listan har %d rader. Högst %d personer kan läggas upp på en gång; dela upp listan i flera filer.", len(t.Rows), MaxRows)}
	}
	cell := func(rec []string, c int) string {
		if c < 0 || c >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[c])
	}
	seen := map[string]int{}
	rows := make([]Row, 0, len(t.Rows))
	for i, rec := range t.Rows {
		r := Row{Line: t.Lines[i], Email: cell(rec, m.Col(kaalist.FieldEmail)), Roles: cell(rec, roleCol)}
		if c := m.Col(kaalist.FieldName); c >= 0 {
			r.Name = cell(rec, c)
		}
		if r.Name == "" {
			r.Name = strings.TrimSpace(cell(rec, m.Col(kaalist.FieldFirstName)) + " " + cell(rec, m.Col(kaalist.FieldLastName)))
		}
		if e, _ := auth.NormalizeEmail(r.Email); e != "" {
			if first, ok := seen[e]; ok {
				return nil, &ListError{Msg: fmt.Sprintf("E-postadressen %s står både på rad %d och rad %d. Varje person ska stå på en rad; rätta listan och ladda upp den igen.", e, first, r.Line)}
			}
			seen[e] = r.Line
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func slicesContainsFold(list []string, s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}
