package scim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/kaa-plattform/kaa/internal/auth"
)

// The schema and message URNs of RFC 7643 and RFC 7644.
const (
	SchemaUser         = "urn:ietf:params:scim:schemas:core:2.0:User"
	SchemaListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	SchemaError        = "urn:ietf:params:scim:api:messages:2.0:Error"
	SchemaPatchOp      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
)

// MaxCount is the most resources one list answer holds.
const MaxCount = 100

// Error is a SCIM error (RFC 7644 §3.12): an HTTP status and, for 400 and
// 409, a scimType.
type Error struct {
	Status   int
	ScimType string
	Detail   string
}

func (e *Error) Error() string { return fmt.Sprintf("scim: %d %s: %s", e.Status, e.ScimType, e.Detail) }

func invalidValue(format string, a ...any) *Error {
	return &Error{Status: 400, ScimType: "invalidValue", Detail: fmt.Sprintf(format, a...)}
}

// Name is the components of a user's name.
type Name struct {
	Formatted  string `json:"formatted,omitempty"`
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

// Email is one of a user's e-mail addresses.
type Email struct {
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// Meta is a resource's metadata.
type Meta struct {
	ResourceType string    `json:"resourceType"`
	Created      time.Time `json:"created"`
	LastModified time.Time `json:"lastModified"`
	Location     string    `json:"location,omitempty"`
}

// User is the User resource as the service provider answers it.
type User struct {
	Schemas     []string `json:"schemas"`
	ID          string   `json:"id"`
	ExternalID  string   `json:"externalId,omitempty"`
	UserName    string   `json:"userName"`
	Name        Name     `json:"name"`
	DisplayName string   `json:"displayName"`
	Emails      []Email  `json:"emails"`
	Active      bool     `json:"active"`
	Meta        Meta     `json:"meta"`
}

// Input is what the identity provider says of a user: the attributes this
// service keeps. Others it sends (title, phoneNumbers, the enterprise
// extension) are ignored.
type Input struct {
	UserName    string
	ExternalID  string
	GivenName   string
	FamilyName  string
	DisplayName string
	WorkEmail   string
	Active      bool
}

// account is the e-mail address and name the account gets from in: the
// work address if it is one, else userName; the display name, else the
// given and family names.
func (in Input) account() (email, name string, err error) {
	email, ok := auth.NormalizeEmail(in.WorkEmail)
	if !ok {
		if email, ok = auth.NormalizeEmail(in.UserName); !ok {
			return "", "", invalidValue(`userName or emails[type eq "work"].value must be an e-mail address`)
		}
	}
	name = strings.TrimSpace(in.DisplayName)
	if name == "" {
		name = strings.TrimSpace(in.GivenName + " " + in.FamilyName)
	}
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	if len([]rune(name)) > 200 {
		return "", "", invalidValue("displayName is longer than 200 characters")
	}
	return email, name, nil
}

func (in Input) validate() error {
	switch {
	case strings.TrimSpace(in.UserName) == "":
		return invalidValue("userName is required")
	case len(in.UserName) > 200, len(in.ExternalID) > 200:
		return invalidValue("userName and externalId are at most 200 characters")
	case len([]rune(in.GivenName)) > 100, len([]rune(in.FamilyName)) > 100:
		return invalidValue("name.givenName and name.familyName are at most 100 characters")
	}
	_, _, err := in.account()
	return err
}

// userBody is a User resource as a client sends it.
type userBody struct {
	UserName    string          `json:"userName"`
	ExternalID  string          `json:"externalId"`
	DisplayName string          `json:"displayName"`
	Name        Name            `json:"name"`
	Emails      []emailBody     `json:"emails"`
	Active      json.RawMessage `json:"active"`
}

type emailBody struct {
	Value string `json:"value"`
	Type  string `json:"type"`
}

// workEmail is the address of type work, else the only one.
func workEmail(es []emailBody) string {
	for _, e := range es {
		if strings.EqualFold(e.Type, "work") {
			return e.Value
		}
	}
	if len(es) == 1 {
		return es[0].Value
	}
	return ""
}

// ParseUser reads a User resource of a POST or PUT. active defaults to true.
func ParseUser(body []byte) (Input, error) {
	var b userBody
	d := json.NewDecoder(bytes.NewReader(body))
	if err := d.Decode(&b); err != nil {
		return Input{}, &Error{Status: 400, ScimType: "invalidSyntax", Detail: "the body is not a User resource in JSON"}
	}
	in := Input{UserName: strings.TrimSpace(b.UserName), ExternalID: strings.TrimSpace(b.ExternalID), DisplayName: b.DisplayName,
		GivenName: b.Name.GivenName, FamilyName: b.Name.FamilyName, WorkEmail: workEmail(b.Emails), Active: true}
	if len(b.Active) > 0 && string(b.Active) != "null" {
		var err error
		if in.Active, err = boolValue(b.Active); err != nil {
			return Input{}, err
		}
	}
	return in, in.validate()
}

// boolValue reads a boolean, also as the strings "True" and "False" that
// Entra sent before its 2020 fixes (flag aadOptscim062020).
func boolValue(raw json.RawMessage) (bool, error) {
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return b, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		switch strings.ToLower(s) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	}
	return false, invalidValue("active must be true or false")
}

// Filter is a supported filter: one attribute compared with eq.
type Filter struct {
	Attr  string // "userName", "externalId" or "email"
	Value string
}

var filterRE = regexp.MustCompile(`(?i)^\s*(userName|externalId|emails\[type eq "work"\]\.value|emails\.value)\s+eq\s+("(?:[^"\\]|\\.)*")\s*$`)

// ParseFilter reads the filter parameter of a list. Only `userName eq "…"`,
// `externalId eq "…"` and `emails[type eq "work"].value eq "…"` (the
// queries Entra makes) are supported; anything else is an invalidFilter error.
func ParseFilter(s string) (Filter, error) {
	if strings.TrimSpace(s) == "" {
		return Filter{}, nil
	}
	m := filterRE.FindStringSubmatch(s)
	if m == nil || len(s) > 500 {
		return Filter{}, &Error{Status: 400, ScimType: "invalidFilter",
			Detail: `supported filters: userName eq "…", externalId eq "…", emails[type eq "work"].value eq "…"`}
	}
	var f Filter
	if err := json.Unmarshal([]byte(m[2]), &f.Value); err != nil {
		return Filter{}, &Error{Status: 400, ScimType: "invalidFilter", Detail: "the filter's value is not a valid string"}
	}
	switch strings.ToLower(m[1]) {
	case "username":
		f.Attr = "userName"
	case "externalid":
		f.Attr = "externalId"
	default:
		f.Attr = "email"
	}
	return f, nil
}
