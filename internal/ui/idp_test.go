package ui_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/oidctest"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/secretbox"
	"github.com/kaa-plattform/kaa/internal/seed"
	"github.com/kaa-plattform/kaa/internal/ui"
)

// idpApp serves the real application at an address known before it
// starts, so that identity providers can be told where to send people back.
func idpApp(t *testing.T) (*app, *secretbox.Keyring) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TOTPKeys, err = secretbox.ParseKeys(secretbox.NewKey("test")); err != nil {
		t.Fatal(err)
	}
	cfg.PublicURL = "http://" + ln.Addr().String()
	h := ui.New(d.App, cfg, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	h.SetThrottle(testThrottle)
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h.Router()}}
	srv.Start()
	t.Cleanup(func() { srv.Close(); h.Close() })
	return &app{t: t, db: d, h: h, srv: srv}, cfg.TOTPKeys
}

// connectIDP has org's administrator connect provider op through the
// administration page, registers this service as a client there, and
// returns the provider's name in URLs.
func connectIDP(t *testing.T, a *app, org, admin string, op *oidctest.Provider, client, domains, strong string, passwords bool) string {
	t.Helper()
	c := a.client()
	c.signIn(admin)
	form := url.Values{"name": {"Kommunens konto " + client}, "issuer": {op.Issuer}, "client_id": {client}, "client_secret": {"hemligt-" + client},
		"domains": {domains}, "strong_methods": {strong}}
	if passwords {
		form.Set("passwords_allowed", "yes")
	}
	if res := c.post("/k/"+org+"/inloggning", form); res.Status != http.StatusSeeOther {
		t.Fatalf("connecting the provider: %d %s", res.Status, res.Body)
	}
	id := a.count(`SELECT max(p.id)::int FROM identity_providers p JOIN orgs o ON o.id = p.tenant_id WHERE o.key = $1`, org)
	ref := org + "-" + itoa(id)
	op.AddClient(client, "hemligt-"+client, a.srv.URL+"/logga-in/oidc/"+ref+"/klar")
	return ref
}

func itoa(n int) string { return strconv.Itoa(n) }

// follower is c's browser following redirects, across to the provider and back.
func (c *client) follower() *http.Client { return &http.Client{Jar: c.jar} }

// signInAt goes from the service to provider op's form, signs in there as
// username and follows the answer back; it returns the last response.
func signInAt(t *testing.T, c *client, start string, op *oidctest.Provider, username string) (*http.Response, string) {
	t.Helper()
	b := c.follower()
	res, err := b.Get(c.a.srv.URL + start)
	if err != nil {
		t.Fatal(err)
	}
	read(res)
	id := res.Request.URL.Query().Get("authRequestID")
	if id == "" {
		t.Fatalf("not at the provider's sign-in form: %d %s", res.StatusCode, res.Request.URL)
	}
	origin := res.Request.URL.Scheme + "://" + res.Request.URL.Host
	res, err = b.PostForm(origin+"/login/username", url.Values{"username": {username}, "password": {oidctest.Password}, "id": {id}})
	if err != nil {
		t.Fatal(err)
	}
	return res, read(res)
}

// TestSignInThroughOrganisationsProvider: Osby connects an Entra-like
// provider; an invited coordinator's first sign-in links her account to
// (issuer, subject); after her address changes at Entra she is still found,
// on (issuer, subject) alone; nobody else is linked by that address.
func TestSignInThroughOrganisationsProvider(t *testing.T) {
	t.Parallel()
	a, _ := idpApp(t)
	entra := oidctest.Start(t, oidctest.Options{Entra: true})
	ref := connectIDP(t, a, "1273", "admin@osby.demo", entra, "osby-kaa", "osby.se", "", true)
	// Invited by the administrator: an account and a role, no sign-in yet.
	admin := a.client()
	admin.signIn("admin@osby.demo")
	if res := admin.post("/k/1273/anvandare", url.Values{"email": {"anna.berg@osby.se"}, "name": {"Anna Berg"}, "password": {"tillfalligt-losen-1"}, "role": {"coordinator"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("inviting: %d", res.Status)
	}
	entra.AddUser("f1e2d3c4-0001", "anna", "anna.berg@osby.se", "Anna Berg")

	// The first step finds Osby's provider from the domain.
	c := a.client()
	if res := c.get("/logga-in"); !strings.Contains(res.Body, "Logga in via din organisation") {
		t.Fatal("the sign-in page does not offer the organisation's sign-in")
	}
	if res := c.post("/logga-in/organisation", url.Values{"org_email": {"Anna.Berg@OSBY.se"}}); res.Status != 200 || !strings.Contains(res.Body, `href="/logga-in/oidc/`+ref+`" data-testid="org-continue"`) {
		t.Fatalf("the e-mail step: %d", res.Status)
	}
	if res := c.post("/logga-in/organisation", url.Values{"org_email": {"anna@example.org"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Ingen organisation") {
		t.Errorf("an address no provider serves: %d", res.Status)
	}
	res, body := signInAt(t, c, "/logga-in/oidc/"+ref, entra, "anna")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Request.URL.String(), a.srv.URL+"/k/1273/") {
		t.Fatalf("after the provider: %d at %s: %s", res.StatusCode, res.Request.URL, body)
	}
	anna := a.userID("anna.berg@osby.se")
	if n := a.count(`SELECT count(*) FROM user_identities WHERE user_id = $1 AND issuer = $2 AND subject = 'f1e2d3c4-0001'`, anna, entra.Issuer); n != 1 {
		t.Fatalf("%d links, want 1", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'identity.link' AND record_id = $1`, itoa(anna)); n != 1 {
		t.Errorf("the link is not in Osby's audit log")
	}

	// She marries; Entra now calls her anna.lind@osby.se. Still her account.
	entra.SetEmail("f1e2d3c4-0001", "anna.lind@osby.se")
	c = a.client()
	res, _ = signInAt(t, c, "/logga-in/oidc/"+ref, entra, "anna")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Request.URL.String(), a.srv.URL+"/k/1273/") {
		t.Fatalf("after the address changed: %d at %s", res.StatusCode, res.Request.URL)
	}
	if n := a.count(`SELECT count(*) FROM user_identities`); n != 1 {
		t.Errorf("%d links after the second sign-in, want still 1", n)
	}

	// Another person at Entra who takes Anna's old address is not Anna.
	entra.AddUser("f1e2d3c4-0002", "imposter", "anna.berg@osby.se", "Annan Person")
	res, _ = signInAt(t, a.client(), "/logga-in/oidc/"+ref, entra, "imposter")
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a second subject with a linked account's address: %d, want 403", res.StatusCode)
	}
	if n := a.count(`SELECT count(*) FROM user_identities`); n != 1 {
		t.Errorf("%d links after the refusal, want 1", n)
	}
}

// TestSignInThroughProviderRefusals: what must not get in is refused,
// logged, and links nobody.
func TestSignInThroughProviderRefusals(t *testing.T) {
	t.Parallel()
	a, _ := idpApp(t)
	osbyOP := oidctest.Start(t, oidctest.Options{Entra: true})
	horbyOP := oidctest.Start(t, oidctest.Options{Entra: true, TenantID: "2b7a0c1e-1111-4c5b-b112-36a304b66dad"})
	osby := connectIDP(t, a, "1273", "admin@osby.demo", osbyOP, "osby-kaa", "osby.demo", "", true)
	horby := connectIDP(t, a, "1266", "admin@horby.demo", horbyOP, "horby-kaa", "horby.demo", "", true)
	osbyOP.AddUser("osby-1", "osbysam", "samordnare@osby.demo", "Samordnare Osby")
	// Hörby's coordinator, known (by mistake) to Osby's directory.
	osbyOP.AddUser("osby-2", "horbysam", "samordnare@horby.demo", "Samordnare Hörby")
	failed := func() int {
		return a.count(`SELECT count(*) FROM security_events WHERE action = 'session.signin_failed'`)
	}

	t.Run("UnknownProvider", func(t *testing.T) {
		before := failed()
		if res := a.client().get("/logga-in/oidc/1273-999"); res.Status != http.StatusNotFound {
			t.Errorf("an unknown provider: %d, want 404", res.Status)
		}
		if failed() != before+1 {
			t.Error("not in the security log")
		}
	})
	t.Run("ForgedState", func(t *testing.T) {
		c := a.client()
		c.get("/logga-in/oidc/" + osby) // a sign-in under way
		before := failed()
		if res := c.get("/logga-in/oidc/" + osby + "/klar?code=abc&state=forged"); res.Status != http.StatusBadRequest {
			t.Errorf("a forged state: %d, want 400", res.Status)
		}
		if failed() != before+1 {
			t.Error("not in the security log")
		}
	})
	t.Run("AnswerAtAnotherOrganisationsCallback", func(t *testing.T) {
		// Started at Osby's provider, which answers with a code for Osby's
		// client; the answer is taken to Hörby's callback.
		c := a.client()
		b := c.follower()
		b.CheckRedirect = func(req *http.Request, _ []*http.Request) error {
			if strings.Contains(req.URL.Path, "/klar") {
				return http.ErrUseLastResponse
			}
			return nil
		}
		res, err := b.Get(a.srv.URL + "/logga-in/oidc/" + osby)
		if err != nil {
			t.Fatal(err)
		}
		read(res)
		id := res.Request.URL.Query().Get("authRequestID")
		res, err = b.PostForm("http://"+res.Request.URL.Host+"/login/username", url.Values{"username": {"osbysam"}, "password": {oidctest.Password}, "id": {id}})
		if err != nil {
			t.Fatal(err)
		}
		read(res)
		back, _ := url.Parse(res.Header.Get("Location"))
		if back.Query().Get("code") == "" {
			t.Fatalf("the provider gave no code: %d %s", res.StatusCode, res.Header.Get("Location"))
		}
		links := a.count(`SELECT count(*) FROM user_identities`)
		if res := c.get("/logga-in/oidc/" + horby + "/klar?" + back.RawQuery); res.Status != http.StatusBadRequest {
			t.Errorf("Osby's answer at Hörby's callback: %d, want 400", res.Status)
		}
		if a.count(`SELECT count(*) FROM user_identities`) != links {
			t.Error("something was linked")
		}
		if a.count(`SELECT count(*) FROM security_events WHERE detail->>'reason' = 'other_provider'`) != 1 {
			t.Error("not in the security log")
		}
	})
	t.Run("AnotherOrganisationsUser", func(t *testing.T) {
		res, body := signInAt(t, a.client(), "/logga-in/oidc/"+osby, osbyOP, "horbysam")
		if res.StatusCode != http.StatusForbidden || !strings.Contains(body, "inget aktivt konto") {
			t.Errorf("Hörby's coordinator through Osby's provider: %d", res.StatusCode)
		}
		if n := a.count(`SELECT count(*) FROM user_identities WHERE user_id = $1`, a.userID("samordnare@horby.demo")); n != 0 {
			t.Errorf("%d links", n)
		}
		if n := a.count(`SELECT count(*) FROM audit_events a JOIN orgs o ON o.id = a.tenant_id WHERE o.key = '1273' AND a.action = 'identity.signin_refused'`); n == 0 {
			t.Error("the refusal is not in Osby's audit log")
		}
	})
	t.Run("BadProviderForm", func(t *testing.T) {
		c := a.client()
		c.signIn("admin@osby.demo")
		before := a.count(`SELECT count(*) FROM identity_providers`)
		res := c.post("/k/1273/inloggning", url.Values{"name": {"X"}, "issuer": {"http://idp.example.com"}, "client_id": {""}, "domains": {"osby"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "https://") || !strings.Contains(res.Body, "Skriv klienthemligheten") {
			t.Errorf("a bad provider: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM identity_providers`) != before {
			t.Error("a bad provider was saved")
		}
		if n := a.count(`SELECT count(*) FROM identity_providers WHERE client_secret NOT LIKE 'kaa1:%' OR client_secret LIKE '%hemligt%'`); n != 0 {
			t.Error("a client secret is stored in the clear")
		}
	})
	t.Run("IssuerMovedNeedsTheSecret", func(t *testing.T) {
		// The kept secret would be sent to the new issuer at the next
		// sign-in: moving it to another host needs the secret again.
		c := a.client()
		c.signIn("admin@horby.demo")
		id := strings.TrimPrefix(horby, "1266-")
		form := url.Values{"name": {"Hörbys konto"}, "issuer": {"https://annan.example/v2.0"}, "client_id": {"horby-kaa"}, "domains": {"horby.demo"}, "passwords_allowed": {"1"}}
		res := c.post("/k/1266/inloggning/"+id, form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Skriv klienthemligheten igen") {
			t.Errorf("the issuer moved to another host without the secret: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM identity_providers WHERE issuer LIKE '%annan.example%'`); n != 0 {
			t.Error("the moved issuer was saved")
		}
	})
	t.Run("PasswordsNotAllowed", func(t *testing.T) {
		c := a.client()
		c.signIn("admin@horby.demo")
		id := strings.TrimPrefix(horby, "1266-")
		form := url.Values{"name": {"Hörbys konto"}, "issuer": {horbyOP.Issuer}, "client_id": {"horby-kaa"}, "domains": {"horby.demo"}}
		if res := c.post("/k/1266/inloggning/"+id, form); res.Status != http.StatusSeeOther {
			t.Fatalf("turning passwords off: %d", res.Status)
		}
		res := a.client().post("/logga-in", url.Values{"email": {"samordnare@horby.demo"}, "password": {seed.DemoPassword}})
		if res.Status != http.StatusForbidden || !strings.Contains(res.Body, "inte med lösenord") {
			t.Errorf("a password sign-in where passwords are off: %d", res.Status)
		}
	})
}

// TestProviderStrongMethodSkipsOwnCode: a provider whose token says a
// configured strong method (acr) was used lets a user with the product's
// own second factor in without the code; one that does not say so leads to
// the product's own code.
func TestProviderStrongMethodSkipsOwnCode(t *testing.T) {
	t.Parallel()
	a, keys := idpApp(t)
	broker := oidctest.Start(t, oidctest.Options{ACR: "urn:se:curity:authentication:bankid"})
	weak := oidctest.Start(t, oidctest.Options{ACR: "urn:password"})
	strongRef := connectIDP(t, a, "1273", "admin@osby.demo", broker, "osby-bankid", "osby.demo", "urn:se:curity:authentication:bankid", true)
	weakRef := connectIDP(t, a, "1273", "admin@osby.demo", weak, "osby-weak", "osby.demo", "urn:se:curity:authentication:bankid", true)
	broker.AddUser("199001011234", "sam", "samordnare@osby.demo", "Samordnare Osby")
	weak.AddUser("sam-weak", "sam", "samordnare@osby.demo", "Samordnare Osby")
	enableTOTP(t, a, keys, "samordnare@osby.demo")

	res, _ := signInAt(t, a.client(), "/logga-in/oidc/"+strongRef, broker, "sam")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Request.URL.String(), a.srv.URL+"/k/1273/") {
		t.Errorf("through BankID: %d at %s, want straight in", res.StatusCode, res.Request.URL)
	}
	res, body := signInAt(t, a.client(), "/logga-in/oidc/"+weakRef, weak, "sam")
	if res.Request.URL.Path != "/logga-in/kod" || !strings.Contains(body, "name=\"code\"") {
		t.Errorf("through a provider without a strong method: at %s, want the product's own code", res.Request.URL)
	}
}

// enableTOTP gives email's account an authenticator app.
func enableTOTP(t *testing.T, a *app, keys *secretbox.Keyring, email string) string {
	t.Helper()
	key, err := auth.NewTOTPKey(email)
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(key.Secret(), time.Now())
	if _, err := auth.EnableTwoFactor(context.Background(), a.db.App, keys, a.userID(email), key.Secret(), code); err != nil {
		t.Fatal(err)
	}
	return key.Secret()
}
