// Package ss12000 reads young people out of a school system that speaks
// SS12000 (SIS's standard for exchanging school data, the OpenAPI
// description "SS12000" info.version 2.1.0): the persons with their
// enrolments, through OAuth2 client credentials, page by page and within
// limits. It decides who may be in the KAA target group (rules.go) and
// turns them into a list the KAA import previews (table.go). It registers
// nobody: a coordinator confirms the preview. See docs/design/ss12000.md.
package ss12000

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Conn is how to reach one school system.
type Conn struct {
	BaseURL      string // the API root, e.g. https://skolsystem.example.se/v2.0
	TokenURL     string // the OAuth2 token endpoint
	ClientID     string
	ClientSecret string
	Scope        string // space-separated; empty for none
}

// Limits bound what one sync reads from a school system.
type Limits struct {
	PageSize     int           // the spec's `limit` parameter
	MaxPages     int           // pages followed through pageToken
	MaxPersons   int           // persons read in all pages together
	MaxPageBytes int64         // bytes of one response body
	Request      time.Duration // one HTTP request, token included
	Total        time.Duration // the whole sync
	// LocalNetwork lets a sync reach loopback and private addresses (a
	// school system inside the municipality's own network, or a test's
	// server). Off, those addresses are refused when dialled, so an address
	// typed on the admin page cannot reach the hosting network's own
	// services; link-local (cloud metadata) is refused always.
	LocalNetwork bool
}

// guard refuses, at dial time (after DNS, so a name that resolves to an
// inner address is caught too), the addresses a school system may not be
// at.
func guard(local bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip := net.ParseIP(host)
		switch {
		case ip == nil:
			return fmt.Errorf("ss12000: dial %s: not an IP address", address)
		case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(), ip.IsMulticast(), ip.IsUnspecified():
			return fmt.Errorf("ss12000: dial %s: address refused", address)
		case !local && (ip.IsLoopback() || ip.IsPrivate()):
			return fmt.Errorf("ss12000: dial %s: a loopback or private address (KAA_SS12000_LOCAL_NETWORK is off)", address)
		}
		return nil
	}
}

// DefaultLimits are the limits of a sync: a large municipality's whole
// student body fits; a server that pages forever or answers without end
// does not.
var DefaultLimits = Limits{PageSize: 500, MaxPages: 400, MaxPersons: 100_000, MaxPageBytes: 32 << 20,
	Request: 30 * time.Second, Total: 5 * time.Minute}

// Error is a failed read, with a Swedish sentence for the person who
// asked. It never carries the secret, a token or a person's data.
type Error struct {
	Msg   string // Swedish, shown on the page
	Cause error  // for the log
}

func (e *Error) Error() string { return "ss12000: " + e.Msg + ": " + fmt.Sprint(e.Cause) }
func (e *Error) Unwrap() error { return e.Cause }

// SpecError is the body of an error answer, the spec's
// components.schemas.Error: code and message, both required.
type SpecError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Person is the part of the spec's Person (components.schemas.Person) that
// the KAA rules read. Unknown properties are ignored.
type Person struct {
	ID           string      `json:"id"`
	GivenName    string      `json:"givenName"`
	FamilyName   string      `json:"familyName"`
	CivicNo      *CivicNo    `json:"civicNo"`
	BirthDate    string      `json:"birthDate"`
	PersonStatus string      `json:"personStatus"`
	Addresses    []Address   `json:"addresses"`
	Enrolments   []Enrolment `json:"enrolments"`
}

// CivicNo is the spec's Person_civicNo: 12 digits without separator (a
// temporary number may have letters after the date).
type CivicNo struct {
	Value       string `json:"value"`
	Nationality string `json:"nationality"`
}

// Address is the spec's Person_addresses_inner; type "Folkbokföring" with
// municipalityCode is the person's folkbokföringskommun.
type Address struct {
	Type             string `json:"type"`
	MunicipalityCode *int   `json:"municipalityCode"`
}

// Enrolment is the spec's Enrolment (inskrivning).
type Enrolment struct {
	EnroledAt     Reference  `json:"enroledAt"`
	SchoolYear    *int       `json:"schoolYear"`
	SchoolType    string     `json:"schoolType"`
	StartDate     string     `json:"startDate"`
	EndDate       string     `json:"endDate"`
	Cancelled     bool       `json:"cancelled"`
	EducationCode string     `json:"educationCode"`
	Programme     *Reference `json:"programme"`
}

// Reference is the spec's ObjectReference; displayName comes only with
// expandReferenceNames=true.
type Reference struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}

// Read calls fn for every person the school system lists with an
// enrolment (GET /persons?relationship.entity.type=enrolment), following
// pageToken, within lim. It stops at the first error, which is an *Error.
func Read(ctx context.Context, c Conn, lim Limits, client *http.Client, fn func(Person) error) error {
	ctx, cancel := context.WithTimeout(ctx, lim.Total)
	defer cancel()
	if client == nil {
		d := &net.Dialer{Timeout: lim.Request, Control: guard(lim.LocalNetwork)}
		client = &http.Client{Transport: &http.Transport{DialContext: d.DialContext, ForceAttemptHTTP2: true,
			TLSHandshakeTimeout: lim.Request, ResponseHeaderTimeout: lim.Request, MaxIdleConns: 4, IdleConnTimeout: 30 * time.Second}}
	}
	base := *client
	base.Timeout = lim.Request
	base.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cc := clientcredentials.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, TokenURL: c.TokenURL,
		AuthStyle: oauth2.AuthStyleInHeader}
	if s := strings.Fields(c.Scope); len(s) > 0 {
		cc.Scopes = s
	}
	tokenCtx := context.WithValue(ctx, oauth2.HTTPClient, &base)
	src := cc.TokenSource(tokenCtx)
	if _, err := src.Token(); err != nil {
		return tokenError(err)
	}
	// No Client.Timeout here: oauth2's transport cannot cancel that way;
	// each page has its own deadline (readPage).
	api := oauth2.NewClient(tokenCtx, src)
	api.CheckRedirect = base.CheckRedirect
	api.Timeout = 0

	q := url.Values{}
	q.Set("relationship.entity.type", "enrolment")
	q.Set("expandReferenceNames", "true")
	q.Set("limit", strconv.Itoa(lim.PageSize))
	next := strings.TrimRight(c.BaseURL, "/") + "/persons?" + q.Encode()
	persons := 0
	for page := 1; ; page++ {
		if page > lim.MaxPages {
			return &Error{Msg: fmt.Sprintf("Skolsystemet gav fler än %d sidor med personer. Inget har sparats.", lim.MaxPages), Cause: errors.New("too many pages")}
		}
		token, err := readPage(ctx, api, next, lim, func(p Person) error {
			persons++
			if persons > lim.MaxPersons {
				return &Error{Msg: fmt.Sprintf("Skolsystemet gav fler än %d personer. Inget har sparats.", lim.MaxPersons), Cause: errors.New("too many persons")}
			}
			return fn(p)
		})
		if err != nil {
			return err
		}
		if token == "" {
			return nil
		}
		// The spec: pageToken "kan inte kombineras med andra filter men väl med limit".
		q := url.Values{}
		q.Set("pageToken", token)
		q.Set("limit", strconv.Itoa(lim.PageSize))
		next = strings.TrimRight(c.BaseURL, "/") + "/persons?" + q.Encode()
	}
}

func tokenError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		if re.Response.StatusCode == http.StatusBadRequest || re.Response.StatusCode == http.StatusUnauthorized {
			return &Error{Msg: "Skolsystemet godtog inte klient-id eller klienthemlighet (inloggningen nekades). Kontrollera uppgifterna under Skolsystem.", Cause: fmt.Errorf("token: HTTP %d %s", re.Response.StatusCode, re.ErrorCode)}
		}
		return &Error{Msg: fmt.Sprintf("Skolsystemets inloggning svarade med fel (HTTP %d). Försök igen senare.", re.Response.StatusCode), Cause: fmt.Errorf("token: HTTP %d", re.Response.StatusCode)}
	}
	return transportError("Skolsystemets inloggning", err)
}

func transportError(what string, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return &Error{Msg: what + " svarade inte i tid. Försök igen senare.", Cause: err}
	default:
		return &Error{Msg: what + " gick inte att nå. Kontrollera adressen eller försök igen senare.", Cause: err}
	}
}

// readPage reads one PersonsExpanded answer, {"data": [...], "pageToken": ...},
// person by person, and returns its pageToken ("" when null or absent).
func readPage(ctx context.Context, api *http.Client, u string, lim Limits, fn func(Person) error) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, lim.Request)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", &Error{Msg: "Skolsystemets adress är felaktig.", Cause: err}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := api.Do(req)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return "", tokenError(err)
		}
		return "", transportError("Skolsystemet", err)
	}
	defer resp.Body.Close()
	body := &capped{r: resp.Body, left: lim.MaxPageBytes}
	if resp.StatusCode != http.StatusOK {
		var se SpecError
		_ = json.NewDecoder(body).Decode(&se)
		msg := fmt.Sprintf("Skolsystemet svarade med fel (HTTP %d", resp.StatusCode)
		if se.Code != "" {
			msg += ", felkod " + clip(se.Code, 40)
		}
		msg += ")."
		switch resp.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			msg += " Kontrollera att klienten har behörighet att läsa personer och inskrivningar."
		default:
			msg += " Försök igen senare."
		}
		return "", &Error{Msg: msg + " Inget har sparats.", Cause: fmt.Errorf("GET /persons: HTTP %d code=%q", resp.StatusCode, se.Code)}
	}
	token, err := decodePersons(body, fn)
	if body.over {
		return "", &Error{Msg: fmt.Sprintf("Ett svar från skolsystemet var större än %d MB. Inget har sparats.", lim.MaxPageBytes>>20), Cause: errors.New("page too large")}
	}
	if err != nil {
		var own *Error
		if errors.As(err, &own) {
			return "", err
		}
		if ctx.Err() != nil {
			return "", transportError("Skolsystemet", ctx.Err())
		}
		return "", &Error{Msg: "Skolsystemets svar gick inte att läsa (det följer inte SS12000). Inget har sparats.", Cause: err}
	}
	return token, nil
}

// decodePersons walks the answer with a streaming decoder, so a page is
// never held whole: each person is decoded, handed to fn and dropped.
func decodePersons(r io.Reader, fn func(Person) error) (string, error) {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return "", err
	}
	token, sawData := "", false
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return "", err
		}
		switch k {
		case "data":
			sawData = true
			if err := expectDelim(dec, '['); err != nil {
				return "", err
			}
			for dec.More() {
				var p Person
				if err := dec.Decode(&p); err != nil {
					return "", err
				}
				if err := fn(p); err != nil {
					return "", err
				}
			}
			if err := expectDelim(dec, ']'); err != nil {
				return "", err
			}
		case "pageToken":
			var t *string
			if err := dec.Decode(&t); err != nil {
				return "", err
			}
			if t != nil {
				token = *t
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return "", err
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return "", err
	}
	if !sawData {
		return "", errors.New(`no "data" in the answer`)
	}
	return token, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		// The token's kind only: its value could be a person's data.
		return fmt.Errorf("want %q, got a %T", want, t)
	}
	return nil
}

// capped reads at most left bytes and then reports over.
type capped struct {
	r    io.Reader
	left int64
	over bool
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		c.over = true
		return 0, errors.New("response too large")
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
