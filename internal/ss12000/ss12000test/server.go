// Package ss12000test is a school system for tests: an HTTP server that
// implements the parts of SS12000 (info.version 2.1.0) the KAA sync uses —
// GET /persons with enrolments, its paging through pageToken and its
// Error shape — and an OAuth2 token endpoint (client credentials) in front
// of it. It can be made to fail: answer 500, sleep, answer garbage.
package ss12000test

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/personnummer"
	"github.com/kaa-plattform/kaa/internal/ss12000"
)

// Mode is how the server misbehaves.
type Mode int

// The modes.
const (
	OK       Mode = iota
	Fail500       // /persons answers 500 with the spec's Error
	Garbage       // /persons answers 200 with something that is not JSON
	Slow          // /persons sleeps past any sane client timeout
	Endless       // /persons gives a pageToken forever
	BadToken      // /persons refuses every access token (403 with the spec's Error)
)

// Server is a running school system.
type Server struct {
	*httptest.Server
	ClientID, ClientSecret string
	PageSize               int // persons per page when the client asks for more

	mu       sync.Mutex
	persons  []ss12000.Person
	mode     Mode
	accepted string // the secret the token endpoint accepts, when changed
	tokens   map[string]bool
	Calls    int // requests to /persons
}

// New starts a school system with one client, closed when the test ends.
func New(t testing.TB, persons ...ss12000.Person) *Server {
	s := &Server{ClientID: "kaa-test", ClientSecret: "hemlig-" + strconv.FormatInt(time.Now().UnixNano(), 36), PageSize: 2,
		persons: persons, tokens: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("GET /v2.0/persons", s.list)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// BaseURL is the API root.
func (s *Server) BaseURL() string { return s.URL + "/v2.0" }

// TokenURL is the token endpoint.
func (s *Server) TokenURL() string { return s.URL + "/token" }

// SetPersons replaces the school data.
func (s *Server) SetPersons(ps ...ss12000.Person) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.persons = ps
}

// ChangeSecret makes the token endpoint accept only secret ("" for
// ClientSecret again), as when the school system's secret was renewed.
func (s *Server) ChangeSecret(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accepted = secret
}

// SetMode makes the server misbehave (or behave again).
func (s *Server) SetMode(m Mode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mode = m
}

// token is RFC 6749 §4.4: grant_type=client_credentials, the client
// authenticated with HTTP basic (or client_id/client_secret in the form).
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostFormValue("grant_type") != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	s.mu.Lock()
	want := s.accepted
	if want == "" {
		want = s.ClientSecret
	}
	s.mu.Unlock()
	if subtle.ConstantTimeCompare([]byte(id), []byte(s.ClientID)) != 1 || subtle.ConstantTimeCompare([]byte(secret), []byte(want)) != 1 {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	tok := fmt.Sprintf("tok-%d", time.Now().UnixNano())
	s.mu.Lock()
	s.tokens[tok] = true
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
}

func oauthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code})
}

// specError answers with the spec's components.schemas.Error.
func specError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(ss12000.SpecError{Code: code, Message: msg})
}

// list is GET /persons: relationship.entity.type=enrolment keeps persons
// with an enrolment; limit and pageToken page (a pageToken may be
// combined with limit only, else 400 as the spec says).
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.Calls++
	mode, persons := s.mode, s.persons
	authorised := s.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	s.mu.Unlock()
	if !authorised || mode == BadToken {
		specError(w, http.StatusForbidden, "NOT_AUTHORISED", "Åtkomst nekad.")
		return
	}
	switch mode {
	case Fail500:
		specError(w, http.StatusInternalServerError, "INTERNAL", "Okänt fel.")
		return
	case Garbage:
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"data": [{"id": "x", "givenName": `))
		return
	case Slow:
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
		return
	}
	q := r.URL.Query()
	start := 0
	if tok := q.Get("pageToken"); tok != "" {
		for k := range q {
			if k != "pageToken" && k != "limit" {
				specError(w, http.StatusBadRequest, "INVALID_FILTER", "Filter kan inte kombineras med pageToken.")
				return
			}
		}
		n, err := strconv.Atoi(strings.TrimPrefix(tok, "p"))
		if err != nil || n < 0 {
			specError(w, http.StatusBadRequest, "INVALID_TOKEN", "Okänt pageToken.")
			return
		}
		start = n
	} else if t := q.Get("relationship.entity.type"); t != "" && t != "enrolment" {
		specError(w, http.StatusBadRequest, "INVALID_FILTER", "Okänd relation.")
		return
	}
	var matching []ss12000.Person
	for _, p := range persons {
		if len(p.Enrolments) > 0 {
			matching = append(matching, p)
		}
	}
	size := s.PageSize
	if l, err := strconv.Atoi(q.Get("limit")); err == nil && l > 0 && l < size {
		size = l
	}
	end := min(start+size, len(matching))
	if start > end {
		start = end
	}
	page := map[string]any{"data": persons2json(matching[start:end]), "pageToken": nil}
	if end < len(matching) || mode == Endless {
		page["pageToken"] = "p" + strconv.Itoa(end)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(page)
}

// persons2json writes persons as the spec's PersonExpanded, with the
// required meta and with displayName on references (expandReferenceNames).
func persons2json(ps []ss12000.Person) []map[string]any {
	out := []map[string]any{}
	for _, p := range ps {
		m := map[string]any{"id": p.ID, "givenName": p.GivenName, "familyName": p.FamilyName,
			"meta": map[string]string{"created": "2024-08-01T08:00:00+02:00", "modified": "2026-06-01T08:00:00+02:00"}}
		if p.CivicNo != nil {
			m["civicNo"] = map[string]string{"value": p.CivicNo.Value, "nationality": "SE"}
		}
		if p.BirthDate != "" {
			m["birthDate"] = p.BirthDate
		}
		if p.PersonStatus != "" {
			m["personStatus"] = p.PersonStatus
		}
		var addrs []map[string]any
		for _, a := range p.Addresses {
			addr := map[string]any{"type": a.Type, "streetAddress": "Skolgatan 1", "postalCode": "12345", "locality": "Orten", "country": "Sverige"}
			if a.MunicipalityCode != nil {
				addr["municipalityCode"] = *a.MunicipalityCode
			}
			addrs = append(addrs, addr)
		}
		if addrs != nil {
			m["addresses"] = addrs
		}
		var ens []map[string]any
		for _, e := range p.Enrolments {
			en := map[string]any{"enroledAt": e.EnroledAt, "schoolType": e.SchoolType, "startDate": e.StartDate, "cancelled": e.Cancelled}
			if e.EndDate != "" {
				en["endDate"] = e.EndDate
			}
			if e.SchoolYear != nil {
				en["schoolYear"] = *e.SchoolYear
			}
			if e.EducationCode != "" {
				en["educationCode"] = e.EducationCode
			}
			if e.Programme != nil {
				en["programme"] = e.Programme
			}
			ens = append(ens, en)
		}
		m["enrolments"] = ens
		out = append(out, m)
	}
	return out
}

// Pupil builds a person folkbokförd in kommunkod with the given enrolments.
func Pupil(id, pnr, given, family string, kommunkod int, es ...ss12000.Enrolment) ss12000.Person {
	return ss12000.Person{ID: id, GivenName: given, FamilyName: family, CivicNo: &ss12000.CivicNo{Value: pnr},
		Addresses: []ss12000.Address{{Type: "Folkbokföring", MunicipalityCode: &kommunkod}}, Enrolments: es}
}

// Pnr makes a valid personnummer (12 digits) of a birth date
// "YYYYMMDD" and a three-digit serial.
func Pnr(birth, serial string) string {
	return birth + serial + strconv.Itoa(personnummer.CheckDigit(birth[2:]+serial))
}

// Enrolment builds an enrolment at a named school unit.
func Enrolment(schoolType, school string, year int, start, end, code, programme string) ss12000.Enrolment {
	e := ss12000.Enrolment{EnroledAt: ss12000.Reference{ID: "11111111-1111-4111-8111-" + fmt.Sprintf("%012d", len(school)), DisplayName: school},
		SchoolType: schoolType, SchoolYear: &year, StartDate: start, EndDate: end, EducationCode: code}
	if programme != "" {
		e.Programme = &ss12000.Reference{ID: "22222222-2222-4222-8222-000000000001", DisplayName: programme}
	}
	return e
}
