package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/seed"
)

const failMsg = "Inloggningen misslyckades"

func TestSignIn(t *testing.T) {
	t.Parallel()
	a := newApp(t)

	t.Run("OK", func(t *testing.T) {
		c := a.client()
		c.signIn("samordnare@osby.demo")
		res := c.get("/")
		if res.Status != http.StatusSeeOther || res.Location != "/k/1273/" {
			t.Fatalf("start: %d %q, want redirect to Osby", res.Status, res.Location)
		}
		res = c.get("/k/1273/")
		if res.Status != 200 || !strings.Contains(res.Body, "Samordnare Osby") || !strings.Contains(res.Body, "Osby kommun") {
			t.Fatalf("Osby start page: %d, missing the user's name or municipality", res.Status)
		}
		if a.count(`SELECT count(*) FROM security_events WHERE action = 'session.signin' AND user_id = $1`, a.userID("samordnare@osby.demo")) != 1 {
			t.Error("sign-in not in the security log")
		}
	})

	t.Run("ErrWrongPasswordAndUnknownAccountLookTheSame", func(t *testing.T) {
		c := a.client()
		wrong := c.post("/logga-in", url.Values{"email": {"admin@osby.demo"}, "password": {"fel-losenord-123"}})
		unknown := c.post("/logga-in", url.Values{"email": {"ingen@osby.demo"}, "password": {"fel-losenord-123"}})
		for name, res := range map[string]response{"wrong password": wrong, "unknown account": unknown} {
			if res.Status != http.StatusUnauthorized || !strings.Contains(res.Body, failMsg) {
				t.Errorf("%s: status %d, message shown %v", name, res.Status, strings.Contains(res.Body, failMsg))
			}
			if c.sessionCookie() != nil {
				t.Errorf("%s: a session was started", name)
			}
		}
		if a.count(`SELECT count(*) FROM security_events WHERE action = 'session.signin_failed'`) != 2 {
			t.Error("failed sign-ins are not in the security log")
		}
		if strings.Contains(a.count2text(`SELECT string_agg(detail::text, ' ') FROM security_events`), "ingen@osby.demo") {
			t.Error("the security log holds the e-mail address typed for an unknown account")
		}
	})

	t.Run("TokenRenewedAtSignIn", func(t *testing.T) {
		c := a.client()
		c.signIn("samordnare@osby.demo")
		before := c.sessionCookie()
		c.signIn("admin@osby.demo")
		after := c.sessionCookie()
		if before == nil || after == nil || before.Value == after.Value {
			t.Fatal("the session token was not renewed at sign-in")
		}
		old := a.client()
		old.jar.SetCookies(mustURL(a.srv.URL), []*http.Cookie{before})
		if res := old.get("/"); res.Location != "/logga-in" {
			t.Errorf("the token from before sign-in still works: %d %q", res.Status, res.Location)
		}
	})

	t.Run("SignOutEndsSessionServerSide", func(t *testing.T) {
		c := a.client()
		c.signIn("samordnare@osby.demo")
		token := c.sessionCookie()
		if res := c.post("/logga-ut", nil); res.Location != "/logga-in" {
			t.Fatalf("sign out: %d %q", res.Status, res.Location)
		}
		replay := a.client()
		replay.jar.SetCookies(mustURL(a.srv.URL), []*http.Cookie{token})
		if res := replay.get("/k/1273/"); res.Location != "/logga-in" {
			t.Errorf("the signed-out token still opens a page: %d", res.Status)
		}
	})

	t.Run("CookieSettings", func(t *testing.T) {
		c := a.client()
		res := c.post("/logga-in", url.Values{"email": {"samordnare@osby.demo"}, "password": {seed.DemoPassword}})
		set := res.Header.Get("Set-Cookie")
		for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(set, want) {
				t.Errorf("session cookie %q lacks %s", set, want)
			}
		}
		if strings.Contains(set, "Expires") || strings.Contains(set, "Max-Age") {
			t.Errorf("session cookie %q persists beyond the browser session", set)
		}
	})
}

func TestSecureCookieOverHTTPS(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.PublicURL = "https://kaa.example.se" })
	res := a.client().post("/logga-in", url.Values{"email": {"samordnare@osby.demo"}, "password": {seed.DemoPassword}})
	set := res.Header.Get("Set-Cookie")
	if !strings.HasPrefix(set, "__Host-kaa_session=") || !strings.Contains(set, "Secure") {
		t.Errorf("over https the cookie is %q; want __Host- prefix and Secure", set)
	}
	if !strings.Contains(res.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS over https")
	}
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	// Two seconds, not one: on a busy machine the first page after
	// sign-in may itself take a good part of a second.
	a := newApp(t, func(c *config.Config) { c.SessionIdleTimeout = 2 * time.Second })
	c := a.client()
	c.signIn("samordnare@osby.demo")
	if res := c.get("/k/1273/"); res.Status != 200 {
		t.Fatalf("right after sign-in: %d", res.Status)
	}
	time.Sleep(3 * time.Second)
	if res := c.get("/k/1273/"); res.Location != "/logga-in" {
		t.Errorf("after the idle timeout: %d %q, want sign-in", res.Status, res.Location)
	}
}

// TestIdleTimeoutMovesWithUse: a user who keeps working stays signed in past
// the idle timeout, and pages in quick succession do not write the session
// back (it is moved on at most every tenth of the timeout).
func TestIdleTimeoutMovesWithUse(t *testing.T) {
	t.Parallel()
	// A page every half second for four seconds, twice the idle timeout:
	// each page has well over a second to be answered on a busy machine.
	a := newApp(t, func(c *config.Config) { c.SessionIdleTimeout = 2 * time.Second })
	c := a.client()
	c.signIn("samordnare@osby.demo")
	for i := 0; i < 8; i++ {
		time.Sleep(500 * time.Millisecond)
		if res := c.get("/k/1273/"); res.Status != 200 {
			t.Fatalf("after %d ms of use: %d %q", 500*(i+1), res.Status, res.Location)
		}
	}

	b := newApp(t) // the default: 30 minutes, moved on at most every minute
	c = b.client()
	c.signIn("samordnare@osby.demo")
	c.get("/k/1273/")
	const all = `SELECT coalesce(string_agg(encode(data, 'hex') || expiry::text, ',' ORDER BY token), '') FROM sessions`
	var before string
	b.db.Owner.QueryRow(context.Background(), all).Scan(&before)
	for i := 0; i < 3; i++ {
		c.get("/k/1273/att-gora")
	}
	var after string
	b.db.Owner.QueryRow(context.Background(), all).Scan(&after)
	if before == "" || before != after {
		t.Error("reading pages wrote the session back")
	}
}

// TestAbsoluteTimeout: however busy the user, the session ends its lifetime
// after sign-in.
func TestAbsoluteTimeout(t *testing.T) {
	t.Parallel()
	// A lifetime of four seconds with pages for the first 1.6: on a busy
	// machine the sign-in and the pages may take a second between them.
	const lifetime = 4 * time.Second
	a := newApp(t, func(c *config.Config) { c.SessionLifetime = lifetime })
	c := a.client()
	c.signIn("samordnare@osby.demo")
	signedIn := time.Now() // the session began before this
	for i := 0; i < 4; i++ {
		time.Sleep(400 * time.Millisecond)
		if res := c.get("/k/1273/"); res.Status != 200 {
			t.Fatalf("within the lifetime: %d %q", res.Status, res.Location)
		}
	}
	time.Sleep(time.Until(signedIn.Add(lifetime + 300*time.Millisecond)))
	if res := c.get("/k/1273/"); res.Location != "/logga-in" {
		t.Errorf("after the lifetime, still in use: %d %q, want sign-in", res.Status, res.Location)
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c, other := a.client(), a.client()
	c.signIn("samordnare@osby.demo")
	other.signIn("samordnare@osby.demo")

	t.Run("ErrWrongCurrent", func(t *testing.T) {
		res := c.post("/konto/losenord", url.Values{"current": {"inte-mitt-losenord"}, "new": {"ett nytt langt losenord"}, "confirm": {"ett nytt langt losenord"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Det nuvarande lösenordet stämmer inte") {
			t.Errorf("status %d", res.Status)
		}
	})
	t.Run("ErrTooShortAndMismatch", func(t *testing.T) {
		res := c.post("/konto/losenord", url.Values{"current": {seed.DemoPassword}, "new": {"kort"}, "confirm": {"annat"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "minst 12 tecken") || !strings.Contains(res.Body, "Lösenorden är inte lika") {
			t.Errorf("status %d", res.Status)
		}
		if !strings.Contains(res.Body, `href="#f-new"`) {
			t.Error("the error summary does not link to the field")
		}
	})
	t.Run("OK", func(t *testing.T) {
		res := c.post("/konto/losenord", url.Values{"current": {seed.DemoPassword}, "new": {"ett nytt langt losenord"}, "confirm": {"ett nytt langt losenord"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("status %d", res.Status)
		}
		if res := c.get("/k/1273/"); res.Status != 200 || !strings.Contains(res.Body, "lösenord är bytt") {
			t.Errorf("this session should go on with a flash: %d", res.Status)
		}
		if res := other.get("/k/1273/"); res.Location != "/logga-in" {
			t.Errorf("the other session survived the password change: %d", res.Status)
		}
		a.client().signInWith("samordnare@osby.demo", "ett nytt langt losenord")
		res = a.client().post("/logga-in", url.Values{"email": {"samordnare@osby.demo"}, "password": {seed.DemoPassword}})
		if res.Status != http.StatusUnauthorized {
			t.Errorf("old password still works: %d", res.Status)
		}
	})
}

func TestCrossOriginPost(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("admin@osby.demo")
	form := url.Values{"name": {"Mallory"}, "email": {"mallory@example.com"}, "password": {"ett langt losenord"}, "role": {"coordinator"}}
	res := c.do("POST", "/k/1273/anvandare", form, map[string]string{"Sec-Fetch-Site": "cross-site"})
	if res.Status != http.StatusForbidden {
		t.Errorf("cross-site POST: status %d, want 403", res.Status)
	}
	res = c.do("POST", "/k/1273/anvandare", form, map[string]string{"Origin": "https://evil.example"})
	if res.Status != http.StatusForbidden {
		t.Errorf("POST from a foreign Origin: status %d, want 403", res.Status)
	}
	if n := a.count(`SELECT count(*) FROM users WHERE email = 'mallory@example.com'`); n != 0 {
		t.Fatal("a cross-site POST created a user")
	}
	res = c.do("POST", "/k/1273/anvandare", form, map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": a.srv.URL})
	if res.Status != http.StatusSeeOther {
		t.Errorf("same-origin POST: status %d, want 303", res.Status)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func (a *app) count2text(sql string) string {
	var s *string
	a.db.Owner.QueryRow(context.Background(), sql).Scan(&s)
	if s == nil {
		return ""
	}
	return *s
}

func TestSwitchingMunicipalityRenewsToken(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("flera@within.demo")
	if res := c.get("/"); res.Status != 200 || !strings.Contains(res.Body, "Osby kommun") || !strings.Contains(res.Body, "Hörby kommun") || !strings.Contains(res.Body, "Within") {
		t.Fatalf("a user with several places gets a choice: %d", res.Status)
	}
	c.get("/k/1273/")
	osby := c.sessionCookie().Value
	if res := c.get("/k/1266/"); res.Status != 200 || !strings.Contains(res.Body, "Hörby kommun") {
		t.Fatalf("switch to Hörby: %d", res.Status)
	}
	horby := c.sessionCookie().Value
	if osby == horby {
		t.Error("the session token was not renewed when the user changed municipality")
	}
	c.get("/k/1266/")
	if c.sessionCookie().Value != horby {
		t.Error("the token changes on every request, not only at a change of municipality")
	}
}

func TestLogsCarryRequestIDAndNoFormValues(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	a := newAppWithLog(t, &buf)
	res := a.client().post("/logga-in", url.Values{"email": {"hemlig@osby.demo"}, "password": {"hemligt-losenord"}})
	a.client().get("/logga-in?personnummer=200501011234")
	log := buf.String()
	if !strings.Contains(log, `"request_id":"`+res.Header.Get("X-Request-Id")+`"`) || !strings.Contains(log, `"route":"/logga-in"`) {
		t.Errorf("no JSON log line with the request id and route: %s", log)
	}
	for _, secret := range []string{"hemlig@osby.demo", "hemligt-losenord", "200501011234"} {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}
