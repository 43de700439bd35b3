package scim

import (
	"errors"
	"testing"
)

func TestParseFilter(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in         string
		attr, want string
	}{
		{`userName eq "Test_User_dfeef4c5-5681-4387-b016-bdf221e82081"`, "userName", "Test_User_dfeef4c5-5681-4387-b016-bdf221e82081"},
		{`USERNAME EQ "a\"b"`, "userName", `a"b`},
		{`externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"`, "externalId", "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"},
		{`emails[type eq "work"].value eq "a@b.se"`, "email", "a@b.se"},
		{``, "", ""},
	} {
		f, err := ParseFilter(c.in)
		if err != nil || f.Attr != c.attr || f.Value != c.want {
			t.Errorf("%q: %+v %v", c.in, f, err)
		}
	}
	for _, in := range []string{`displayName eq "x"`, `userName eq "a" and active eq true`, `userName co "a"`, `userName eq a`, `userName eq "a`, `(userName eq "a")`} {
		var se *Error
		if _, err := ParseFilter(in); !errors.As(err, &se) || se.ScimType != "invalidFilter" || se.Status != 400 {
			t.Errorf("%q: %v, want invalidFilter", in, err)
		}
	}
}

func TestApplyPatch(t *testing.T) {
	t.Parallel()
	cur := Input{UserName: "a@b.se", WorkEmail: "a@b.se", GivenName: "A", FamilyName: "B", Active: true}
	for name, c := range map[string]struct {
		body string
		want Input
	}{
		"ReplaceActiveCapitalised": {`{"Operations":[{"op":"Replace","path":"active","value":false}]}`,
			Input{UserName: "a@b.se", WorkEmail: "a@b.se", GivenName: "A", FamilyName: "B"}},
		"ActiveAsString": {`{"Operations":[{"op":"Replace","path":"active","value":"False"}]}`,
			Input{UserName: "a@b.se", WorkEmail: "a@b.se", GivenName: "A", FamilyName: "B"}},
		"ValueObjectWithoutPath": {`{"Operations":[{"op":"replace","value":{"active":false,"name.familyName":"C","externalId":"x"}}]}`,
			Input{UserName: "a@b.se", WorkEmail: "a@b.se", GivenName: "A", FamilyName: "C", ExternalID: "x"}},
		"AddWorkEmail": {`{"Operations":[{"op":"Add","path":"emails[type eq \"work\"].value","value":"c@d.se"}]}`,
			Input{UserName: "a@b.se", WorkEmail: "c@d.se", GivenName: "A", FamilyName: "B", Active: true}},
		"NestedName": {`{"Operations":[{"op":"replace","value":{"name":{"givenName":"X","familyName":"Y"}}}]}`,
			Input{UserName: "a@b.se", WorkEmail: "a@b.se", GivenName: "X", FamilyName: "Y", Active: true}},
		"UnkeptAttributesIgnored": {`{"Operations":[{"op":"Add","path":"title","value":"Samordnare"},{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"KAA"}]}`,
			cur},
		"Remove": {`{"Operations":[{"op":"Remove","path":"name.givenName"}]}`,
			Input{UserName: "a@b.se", WorkEmail: "a@b.se", FamilyName: "B", Active: true}},
	} {
		got, err := ApplyPatch(cur, []byte(c.body))
		if err != nil || got != c.want {
			t.Errorf("%s: %+v %v", name, got, err)
		}
	}
	for name, body := range map[string]string{
		"NoOperations":   `{"Operations":[]}`,
		"UnknownOp":      `{"Operations":[{"op":"move","path":"active","value":false}]}`,
		"RemoveUserName": `{"Operations":[{"op":"remove","path":"userName"}]}`,
		"ActiveNotBool":  `{"Operations":[{"op":"replace","path":"active","value":"maybe"}]}`,
		"NotAnEmail":     `{"Operations":[{"op":"replace","value":{"userName":"x","emails[type eq \"work\"].value":"y"}}]}`,
	} {
		var se *Error
		if _, err := ApplyPatch(cur, []byte(body)); !errors.As(err, &se) || se.Status != 400 {
			t.Errorf("%s: %v, want a 400", name, err)
		}
	}
}

func TestTenantOf(t *testing.T) {
	t.Parallel()
	if id, ok := TenantOf("kaa-scim-12-abc"); !ok || id != 12 {
		t.Errorf("kaa-scim-12-abc: %d %v", id, ok)
	}
	for _, s := range []string{"", "kaa-scim-", "kaa-scim-x-abc", "kaa-scim-0-abc", "kaa-scim-12", "Bearer kaa-scim-1-a", "kaa-scim-99999999999-a"} {
		if _, ok := TenantOf(s); ok {
			t.Errorf("%q read as a tenant", s)
		}
	}
}

func TestParseID(t *testing.T) {
	t.Parallel()
	if id, ok := ParseID("42"); !ok || id != 42 {
		t.Errorf("42: %d %v", id, ok)
	}
	for _, s := range []string{"", "0", "-1", "042", "4x", "99999999999", "2147483648"} {
		if _, ok := ParseID(s); ok {
			t.Errorf("%q read as an id", s)
		}
	}
}
