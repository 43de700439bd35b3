// Package oidctest starts a real OpenID provider (zitadel/oidc's example
// provider on its op package) for tests, with the claims a test chooses:
// Entra-like (tid, oid, preferred_username, no email nor email_verified) or
// standard, with or without acr/amr. People sign in at its form
// (POST /login/username with username, password and id).
package oidctest

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Password is every test person's password at the provider.
const Password = "verysecure"

// Options choose how the provider speaks.
type Options struct {
	// Entra makes the provider speak as Microsoft Entra ID does: the issuer
	// is <origin>/<TenantID>/v2.0 and ID tokens carry tid, oid and
	// preferred_username, and neither email nor email_verified.
	Entra    bool
	TenantID string
	// ACR and AMR, when set, go into every ID token.
	ACR string
	AMR []string
}

// Provider is a running OpenID provider.
type Provider struct {
	Issuer string
	opts   Options

	mu      sync.Mutex
	users   map[string]*storage.User // by subject
	clients map[string]*storage.Client
}

// Start starts a provider on 127.0.0.1 and stops it when t ends.
func Start(t testing.TB, opts Options) *Provider {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	origin := "http://" + ln.Addr().String()
	p := &Provider{Issuer: origin, opts: opts, users: map[string]*storage.User{}, clients: map[string]*storage.Client{}}
	prefix := ""
	if opts.Entra {
		if opts.TenantID == "" {
			p.opts.TenantID = "9188040d-6c67-4c5b-b112-36a304b66dad"
		}
		prefix = "/" + p.opts.TenantID + "/v2.0"
		p.Issuer = origin + prefix
	}
	st := &store{Storage: storage.NewStorageWithClients(users{p}, p.clients), p: p}
	router := exampleop.SetupServer(p.Issuer, st, nil, false)
	mux := http.NewServeMux()
	if prefix != "" {
		mux.Handle(prefix+"/", http.StripPrefix(prefix, router))
	}
	mux.Handle("/", router)
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: mux}}
	srv.Start()
	t.Cleanup(srv.Close)
	return p
}

// AddClient registers a confidential web client sent back to redirectURI.
func (p *Provider) AddClient(id, secret, redirectURI string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clients[id] = storage.WebClient(id, secret, redirectURI)
}

// AddUser adds a person who signs in with username (and Password); subject
// is the sub (and oid) of their tokens, email their address.
func (p *Provider) AddUser(subject, username, email, name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	first, last, _ := strings.Cut(name, " ")
	p.users[subject] = &storage.User{ID: subject, Username: username, Password: Password, FirstName: first, LastName: last, Email: email}
}

// SetEmail changes a person's address, as a directory does when someone
// changes name.
func (p *Provider) SetEmail(subject, email string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.users[subject].Email = email
}

// users is the provider's directory, as the example storage wants it.
type users struct{ p *Provider }

func (u users) GetUserByID(id string) *storage.User {
	u.p.mu.Lock()
	defer u.p.mu.Unlock()
	if x, ok := u.p.users[id]; ok {
		c := *x
		return &c
	}
	return nil
}

func (u users) GetUserByUsername(name string) *storage.User {
	u.p.mu.Lock()
	defer u.p.mu.Unlock()
	for _, x := range u.p.users {
		if x.Username == name {
			c := *x
			return &c
		}
	}
	return nil
}

func (u users) ExampleClientID() string { return "" }

// store is the example storage with the claims this provider sends.
type store struct {
	*storage.Storage
	p *Provider
}

// SetUserinfoFromRequest fills the ID token's claims.
func (s *store) SetUserinfoFromRequest(_ context.Context, info *oidc.UserInfo, req op.IDTokenRequest, _ []string) error {
	s.fill(info, req.GetSubject())
	return nil
}

// SetUserinfoFromToken fills the userinfo endpoint's answer.
func (s *store) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, _, subject, _ string) error {
	s.fill(info, subject)
	return nil
}

func (s *store) fill(info *oidc.UserInfo, subject string) {
	u := users{s.p}.GetUserByID(subject)
	if u == nil {
		return
	}
	info.Subject = subject
	info.Name = strings.TrimSpace(u.FirstName + " " + u.LastName)
	if s.p.opts.Entra {
		info.PreferredUsername = u.Email
		info.AppendClaims("tid", s.p.opts.TenantID)
		info.AppendClaims("oid", subject)
	} else {
		info.Email = u.Email
		info.EmailVerified = true
	}
	if s.p.opts.ACR != "" {
		info.AppendClaims("acr", s.p.opts.ACR)
	}
	if len(s.p.opts.AMR) > 0 {
		info.AppendClaims("amr", s.p.opts.AMR)
	}
}
