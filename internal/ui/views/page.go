// Package views holds the templ components that render every page, in Swedish.
package views

import (
	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/codes"
	"github.com/kaa-plattform/kaa/web"
)

// Link is a labelled URL, marked when it is the current page.
type Link struct {
	Label   string
	Href    string
	Current bool
	// Badge is a count shown after the label (items due), read out as BadgeLabel.
	Badge      int
	BadgeLabel string
}

// Page is what the layout needs on every page.
type Page struct {
	Title  string
	User   *auth.Principal // nil when signed out
	Where  string          // the municipality or project being worked in
	Nav    []Link
	Switch []Link // the user's other municipalities and projects
	Flash  string
	// Announce is read out by screen readers after a part of the page was
	// updated in place (htmx swaps it out of band).
	Announce string
	Assets   *web.Assets
}

// FieldError is a validation message for one form field.
type FieldError struct {
	Field string // the input's name; its id is "f-" + Field
	Msg   string
}

// Errors collects a form's validation messages in field order.
type Errors []FieldError

// Add appends a message for field.
func (e *Errors) Add(field, msg string) { *e = append(*e, FieldError{field, msg}) }

// For returns the message for field, or "".
func (e Errors) For(field string) string {
	for _, fe := range e {
		if fe.Field == field {
			return fe.Msg
		}
	}
	return ""
}

// Any reports whether there are messages.
func (e Errors) Any() bool { return len(e) > 0 }

func fieldID(name string) string { return "f-" + name }

func describedBy(name, hint string, errs Errors) string {
	ids := ""
	if hint != "" {
		ids = fieldID(name) + "-hint"
	}
	if errs.For(name) != "" {
		if ids != "" {
			ids += " "
		}
		ids += fieldID(name) + "-error"
	}
	return ids
}

// OrgKinds are the kinds of organisation, in the order offered (codes.OrgKind).
var OrgKinds = codes.OrgKind.Keys()

// KindLabel is the Swedish name of a kind of organisation.
func KindLabel(kind string) string {
	if l := codes.OrgKind.Label(kind); l != "" {
		return l
	}
	return codes.OrgKind.Label("other")
}
