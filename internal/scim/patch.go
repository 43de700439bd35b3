package scim

import (
	"encoding/json"
	"strings"
)

type patchBody struct {
	Schemas    []string  `json:"schemas"`
	Operations []patchOp `json:"Operations"`
}

type patchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// maxOperations bounds the work one PATCH can ask for.
const maxOperations = 50

// ApplyPatch applies a PatchOp body (RFC 7644 §3.5.2) to cur. It takes the
// shapes Entra sends: op names in any case ("Replace", "Add"), a path such as
// `emails[type eq "work"].value` or `name.familyName`, and a value object
// without a path whose keys are attributes or paths. Attributes this service
// does not keep are ignored; removing userName or active is refused.
func ApplyPatch(cur Input, body []byte) (Input, error) {
	var b patchBody
	if err := json.Unmarshal(body, &b); err != nil || len(b.Operations) == 0 {
		return Input{}, &Error{Status: 400, ScimType: "invalidSyntax", Detail: "the body is not a PatchOp with Operations"}
	}
	if len(b.Operations) > maxOperations {
		return Input{}, &Error{Status: 400, ScimType: "tooMany", Detail: "at most 50 operations in one request"}
	}
	in := cur
	for _, op := range b.Operations {
		kind := strings.ToLower(op.Op)
		switch kind {
		case "add", "replace", "remove":
		default:
			return Input{}, &Error{Status: 400, ScimType: "invalidSyntax", Detail: "op must be add, replace or remove"}
		}
		if op.Path == "" {
			if kind == "remove" {
				return Input{}, &Error{Status: 400, ScimType: "noTarget", Detail: "remove needs a path"}
			}
			var values map[string]json.RawMessage
			if err := json.Unmarshal(op.Value, &values); err != nil {
				return Input{}, invalidValue("an operation without a path needs an object as its value")
			}
			for k, v := range values {
				if err := set(&in, k, v); err != nil {
					return Input{}, err
				}
			}
			continue
		}
		if kind == "remove" {
			if err := set(&in, op.Path, nil); err != nil {
				return Input{}, err
			}
			continue
		}
		if err := set(&in, op.Path, op.Value); err != nil {
			return Input{}, err
		}
	}
	return in, in.validate()
}

// set sets the attribute at path to raw; raw nil removes it.
func set(in *Input, path string, raw json.RawMessage) error {
	str := func(dst *string) error {
		if raw == nil {
			*dst = ""
			return nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return invalidValue("%s must be a string", path)
		}
		*dst = strings.TrimSpace(s)
		return nil
	}
	p := strings.ToLower(strings.TrimPrefix(path, SchemaUser+":"))
	switch p {
	case "username":
		if raw == nil {
			return &Error{Status: 400, ScimType: "mutability", Detail: "userName cannot be removed"}
		}
		return str(&in.UserName)
	case "active":
		if raw == nil {
			return &Error{Status: 400, ScimType: "mutability", Detail: "active cannot be removed"}
		}
		v, err := boolValue(raw)
		in.Active = v
		return err
	case "externalid":
		return str(&in.ExternalID)
	case "displayname":
		return str(&in.DisplayName)
	case "name.givenname":
		return str(&in.GivenName)
	case "name.familyname":
		return str(&in.FamilyName)
	case `emails[type eq "work"].value`:
		return str(&in.WorkEmail)
	case "name":
		if raw == nil {
			in.GivenName, in.FamilyName = "", ""
			return nil
		}
		var n Name
		if err := json.Unmarshal(raw, &n); err != nil {
			return invalidValue("name must be an object")
		}
		in.GivenName, in.FamilyName = n.GivenName, n.FamilyName
		return nil
	case "emails":
		if raw == nil {
			in.WorkEmail = ""
			return nil
		}
		var es []emailBody
		if err := json.Unmarshal(raw, &es); err != nil {
			return invalidValue("emails must be a list")
		}
		in.WorkEmail = workEmail(es)
		return nil
	}
	// Attributes this service does not keep (title, phoneNumbers,
	// preferredLanguage, the enterprise extension): Entra maps some by
	// default; refusing them would stop the whole provisioning cycle.
	return nil
}
