package scim

// ListResponse is a list answer (RFC 7644 §3.4.2).
type ListResponse struct {
	Schemas      []string `json:"schemas"`
	TotalResults int      `json:"totalResults"`
	StartIndex   int      `json:"startIndex"`
	ItemsPerPage int      `json:"itemsPerPage"`
	Resources    any      `json:"Resources"`
}

// ErrorResponse is an error answer (RFC 7644 §3.12); status is a string.
type ErrorResponse struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail,omitempty"`
}

type obj = map[string]any

func meta(kind, location string) obj {
	return obj{"resourceType": kind, "location": location}
}

// ServiceProviderConfig is what the service supports (RFC 7643 §5): PATCH and
// filtering (userName, externalId and the work e-mail with eq), no bulk,
// sorting, ETags or password changes, OAuth bearer tokens.
func ServiceProviderConfig(base, _ string) any {
	return obj{
		"schemas":          []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"},
		"documentationUri": "https://github.com/kaa-plattform/kaa/blob/main/docs/design/scim.md",
		"patch":            obj{"supported": true},
		"bulk":             obj{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           obj{"supported": true, "maxResults": MaxCount},
		"changePassword":   obj{"supported": false},
		"sort":             obj{"supported": false},
		"etag":             obj{"supported": false},
		"authenticationSchemes": []obj{{
			"type": "oauthbearertoken", "name": "OAuth Bearer Token", "primary": true,
			"description": "The organisation's SCIM token, made by its administrator under Inställningar → Automatisk kontohantering (SCIM).",
		}},
		"meta": meta("ServiceProviderConfig", base+"/ServiceProviderConfig"),
	}
}

func attr(name, typ string, required bool, uniqueness string, sub ...obj) obj {
	a := obj{"name": name, "type": typ, "multiValued": false, "required": required, "caseExact": false,
		"mutability": "readWrite", "returned": "default", "uniqueness": uniqueness}
	if len(sub) > 0 {
		a["subAttributes"] = sub
	}
	return a
}

func userSchema(base string) obj {
	emails := attr("emails", "complex", false, "none",
		attr("value", "string", false, "none"), attr("type", "string", false, "none"), attr("primary", "boolean", false, "none"))
	emails["multiValued"] = true
	id := attr("externalId", "string", false, "none")
	id["caseExact"] = true
	return obj{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:Schema"},
		"id":          SchemaUser,
		"name":        "User",
		"description": "A staff account of the organisation",
		"attributes": []obj{
			attr("userName", "string", true, "server"), id,
			attr("name", "complex", false, "none", attr("formatted", "string", false, "none"),
				attr("givenName", "string", false, "none"), attr("familyName", "string", false, "none")),
			attr("displayName", "string", false, "none"), emails, attr("active", "boolean", false, "none"),
		},
		"meta": meta("Schema", base+"/Schemas/"+SchemaUser),
	}
}

func userResourceType(base string) obj {
	return obj{
		"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"},
		"id":       "User",
		"name":     "User",
		"endpoint": "/Users",
		"schema":   SchemaUser,
		"meta":     meta("ResourceType", base+"/ResourceTypes/User"),
	}
}

func list(one obj) ListResponse {
	return ListResponse{Schemas: []string{SchemaListResponse}, TotalResults: 1, StartIndex: 1, ItemsPerPage: 1, Resources: []obj{one}}
}

// Schemas is the list of schemas, or with id the one schema (nil if unknown).
func Schemas(base, id string) any {
	switch id {
	case "":
		return list(userSchema(base))
	case SchemaUser:
		return userSchema(base)
	}
	return nil
}

// ResourceTypes is the list of resource types, or with id the one (nil if unknown).
func ResourceTypes(base, id string) any {
	switch id {
	case "":
		return list(userResourceType(base))
	case "User":
		return userResourceType(base)
	}
	return nil
}
