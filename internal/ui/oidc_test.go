package ui_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
	"github.com/kaa-plattform/kaa/internal/ui"
)

// TestSignInWithIdentityProvider runs a real OpenID provider (zitadel/oidc's
// example provider) beside the real server: a coordinator whose e-mail the
// provider vouches for signs in there and lands here with her own roles; a
// person the provider knows but this service does not is refused; a
// callback with a forged state is refused.
func TestSignInWithIdentityProvider(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	appLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	appURL, issuer := "http://"+appLn.Addr().String(), "http://"+opLn.Addr().String()+"/"
	storage.RegisterClients(storage.WebClient("kaa", "klienthemlighet", appURL+"/logga-in/oidc/klar"))
	op := &httptest.Server{Listener: opLn, Config: &http.Server{Handler: exampleop.SetupServer(issuer, storage.NewStorage(storage.NewUserStore(issuer)), nil, false)}}
	op.Start()
	t.Cleanup(op.Close)

	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	// The provider's test user is a coordinator in Osby here.
	_, err = d.Owner.Exec(ctx, `
		WITH u AS (INSERT INTO users (email, name, password_hash) VALUES ('test-user@zitadel.ch', 'Test Användare', 'x') RETURNING id)
		INSERT INTO memberships (tenant_id, user_id, role) SELECT o.id, u.id, 'coordinator' FROM orgs o, u WHERE o.key = '1273'`)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := config.Load(func(string) string { return "" })
	cfg.PublicURL = appURL
	cfg.OIDC = config.OIDC{Issuer: issuer, ClientID: "kaa", ClientSecret: "klienthemlighet", Label: "Logga in med Osbys konto"}
	h := ui.New(d.App, cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	app := &httptest.Server{Listener: appLn, Config: &http.Server{Handler: h.Router()}}
	app.Start()
	t.Cleanup(func() { app.Close(); h.Close() })

	// A browser that follows redirects between the two.
	browser := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar}
	}
	signIn := func(b *http.Client, username string) *http.Response {
		t.Helper()
		if res, err := b.Get(appURL + "/logga-in"); err != nil || !strings.Contains(read(res), "Logga in med Osbys konto") {
			t.Fatalf("the sign-in page has no button for the provider (%v)", err)
		}
		res, err := b.Get(appURL + "/logga-in/oidc")
		if err != nil {
			t.Fatal(err)
		}
		read(res)
		id := res.Request.URL.Query().Get("authRequestID")
		if id == "" || !strings.HasPrefix(res.Request.URL.String(), issuer) {
			t.Fatalf("not at the provider's sign-in page: %s", res.Request.URL)
		}
		res, err = b.PostForm(issuer+"login/username", url.Values{"username": {username}, "password": {"verysecure"}, "id": {id}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	host := strings.Split(opLn.Addr().String(), ":")[0]

	b := browser()
	res := signIn(b, "test-user@"+host)
	body := read(res)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Request.URL.String(), appURL) || !strings.Contains(body, "Test Användare") {
		t.Fatalf("after the provider: %d at %s", res.StatusCode, res.Request.URL)
	}
	if res, _ := b.Get(appURL + "/k/1273/deltagare"); res.StatusCode != 200 {
		t.Errorf("the coordinator's register after signing in at the provider: %d", res.StatusCode)
	}
	if res, _ := b.Get(appURL + "/k/1266/deltagare"); res.StatusCode != http.StatusNotFound {
		t.Errorf("another municipality after signing in at the provider: %d, want 404", res.StatusCode)
	}

	// Known to the provider, not here.
	res = signIn(browser(), "test-user2")
	if body := read(res); res.StatusCode != http.StatusForbidden || !strings.Contains(body, "Det finns inget aktivt konto i KAA för test-user2@zitadel.ch") {
		t.Errorf("a person without an account here: %d", res.StatusCode)
	}
	// A callback that did not start here.
	if res, _ := browser().Get(appURL + "/logga-in/oidc/klar?code=abc&state=forged"); res.StatusCode != http.StatusBadRequest {
		t.Errorf("a forged callback: %d, want 400", res.StatusCode)
	}
}

func read(res *http.Response) string {
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}
