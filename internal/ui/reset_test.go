package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/mail/smtptest"
	"github.com/kaa-plattform/kaa/internal/ui"
)

// withMail sends the application's e-mail to box.
func withMail(box *smtptest.Inbox) option {
	return func(c *config.Config) {
		c.Mail.SMTPURL = box.URL
		c.Mail.From = "kaa@kommun.test"
	}
}

var resetLinkRE = regexp.MustCompile(`/glomt-losenord/([A-Za-z0-9_-]{43})`)

// resetLink asks for a reset link for email from c and returns its path,
// from the message the SMTP server received.
func resetLink(t *testing.T, c *client, box *smtptest.Inbox, email string) string {
	t.Helper()
	res := c.post("/glomt-losenord", url.Values{"email": {email}})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `data-testid="reset-sent"`) {
		t.Fatalf("asking for a link: %d", res.Status)
	}
	m := box.Wait(t, email, ui.ResetSubject)
	link := resetLinkRE.FindString(m.Body)
	if link == "" {
		t.Fatalf("no link in the message: %q", m.Body)
	}
	return link
}

// setUpTwoFactor sets up the authenticator app of c's user and returns its secret.
func setUpTwoFactor(t *testing.T, c *client) string {
	t.Helper()
	secret := regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(c.get("/konto/tvastegs").Body)
	if secret == nil {
		t.Fatal("no two-factor set-up page")
	}
	code, _ := totp.GenerateCode(secret[1], time.Now())
	if res := c.post("/konto/tvastegs", url.Values{"code": {code}}); res.Status != 200 {
		t.Fatalf("two-factor set-up: %d", res.Status)
	}
	return secret[1]
}

// TestPasswordReset: a link by e-mail sets a new password once; the old
// password and every session end; the user is told; the second factor is
// still asked for; the token is kept only as its hash.
func TestPasswordReset(t *testing.T) {
	t.Parallel()
	box := smtptest.Start(t)
	a := newApp(t, withMail(box))
	const email = "samordnare@osby.demo"
	uid := a.userID(email)
	old := a.client()
	old.signIn(email)
	secret := setUpTwoFactor(t, old)

	if res := a.client().get("/logga-in"); !strings.Contains(res.Body, `href="/glomt-losenord"`) {
		t.Error("the sign-in page has no link to a password reset")
	}
	c := a.client()
	link := resetLink(t, c, box, email)
	token := strings.TrimPrefix(link, "/glomt-losenord/")
	if n := a.count(`SELECT count(*) FROM password_resets WHERE user_id = $1 AND token_hash = sha256(convert_to($2, 'UTF8'))
		AND expires_at BETWEEN now() + interval '29 minutes' AND now() + interval '31 minutes'`, uid, token); n != 1 {
		t.Fatal("the link is not kept as the hash of its token, for 30 minutes")
	}
	if n := a.count(`SELECT count(*) FROM password_resets WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%'`, token); n != 0 {
		t.Error("the token itself is in the database")
	}
	if res := c.get(link); res.Status != 200 || !strings.Contains(res.Body, `name="new"`) {
		t.Fatalf("the link's page: %d", res.Status)
	}
	// Bad input: nothing changes, and the link still works.
	for _, bad := range []url.Values{
		{"new": {"kort"}, "confirm": {"kort"}},
		{"new": {"ett långt nytt lösenord"}, "confirm": {"ett annat långt lösenord"}},
	} {
		if res := c.post(link, bad); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Lösenord") {
			t.Errorf("bad password %v: %d", bad, res.Status)
		}
	}
	if n := a.count(`SELECT count(*) FROM password_resets WHERE used_at IS NOT NULL`); n != 0 {
		t.Fatal("a refused password used the link up")
	}
	const next = "ett nytt och långt lösenord"
	res := c.post(link, url.Values{"new": {next}, "confirm": {next}})
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `data-testid="reset-done"`) {
		t.Fatalf("setting the password: %d", res.Status)
	}
	box.Wait(t, email, "Ditt lösenord i KAA-registret är bytt")
	// The old session has ended.
	if res := old.get("/k/1273/deltagare"); res.Location != "/logga-in" {
		t.Errorf("the session from before the reset: %d %q", res.Status, res.Location)
	}
	// A second use is refused, in Swedish, and changes nothing.
	res = a.client().post(link, url.Values{"new": {"ett tredje långt lösenord"}, "confirm": {"ett tredje långt lösenord"}})
	if res.Status != http.StatusGone || !strings.Contains(res.Body, "Länken har redan använts") {
		t.Errorf("second use: %d", res.Status)
	}
	if res := a.client().get(link); res.Status != http.StatusGone || strings.Contains(res.Body, `name="new"`) {
		t.Errorf("opening a used link: %d", res.Status)
	}
	// The old password no longer works; the new one does, and still asks for the code.
	if res := a.client().post("/logga-in", url.Values{"email": {email}, "password": {"demo-losenord-2026"}}); res.Status != http.StatusUnauthorized {
		t.Errorf("the old password: %d", res.Status)
	}
	n := a.client()
	res = n.post("/logga-in", url.Values{"email": {email}, "password": {next}})
	if res.Location != "/logga-in/kod" {
		t.Fatalf("the new password did not lead to the code: %d %q", res.Status, res.Location)
	}
	code, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if res := n.post("/logga-in/kod", url.Values{"code": {code}}); res.Location != "/" {
		t.Fatalf("the code after the reset: %d %q", res.Status, res.Location)
	}
	for _, action := range []string{"user.password_reset_requested", "user.password_reset", "user.password_reset_refused"} {
		if a.count(`SELECT count(*) FROM security_events WHERE action = $1 AND user_id = $2`, action, uid) == 0 {
			t.Errorf("%s is not in the security log", action)
		}
	}
}

// TestPasswordResetRefused: an expired or unknown link changes nothing; an
// unknown address gets the same answer as a known one and no message; the
// requests are throttled; without SMTP the page says to ask the administrator.
func TestPasswordResetRefused(t *testing.T) {
	t.Parallel()
	box := smtptest.Start(t)
	a := newApp(t, withMail(box))
	const email = "samordnare@horby.demo"

	t.Run("Expired", func(t *testing.T) {
		c := a.client()
		link := resetLink(t, c, box, email)
		hash := func() string {
			var h string
			a.db.Owner.QueryRow(t.Context(), `SELECT password_hash FROM users WHERE email = $1`, email).Scan(&h)
			return h
		}
		before := hash()
		a.db.Owner.Exec(t.Context(), `UPDATE password_resets SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 minute'`)
		if res := c.get(link); res.Status != http.StatusGone || !strings.Contains(res.Body, "Länken gäller inte längre") {
			t.Errorf("opening an expired link: %d", res.Status)
		}
		res := c.post(link, url.Values{"new": {"ett nytt och långt lösenord"}, "confirm": {"ett nytt och långt lösenord"}})
		if res.Status != http.StatusGone || !strings.Contains(res.Body, "Ingenting är ändrat") {
			t.Errorf("using an expired link: %d", res.Status)
		}
		if hash() != before {
			t.Error("an expired link changed the password")
		}
		if a.count(`SELECT count(*) FROM security_events WHERE action = 'user.password_reset_refused' AND detail->>'why' = 'expired'`) != 1 {
			t.Error("the refusal is not in the security log")
		}
		a.client().signIn(email)
	})

	t.Run("UnknownLink", func(t *testing.T) {
		res := a.client().post("/glomt-losenord/"+strings.Repeat("A", 43), url.Values{"new": {"ett nytt och långt lösenord"}, "confirm": {"ett nytt och långt lösenord"}})
		if res.Status != http.StatusNotFound || !strings.Contains(res.Body, "Länken gäller inte") {
			t.Errorf("an unknown link: %d", res.Status)
		}
	})

	t.Run("UnknownAddressSameAnswer", func(t *testing.T) {
		known := a.client().post("/glomt-losenord", url.Values{"email": {"admin@osby.demo"}})
		unknown := a.client().post("/glomt-losenord", url.Values{"email": {"ingen@osby.demo"}})
		if known.Status != unknown.Status || known.Body != unknown.Body {
			t.Errorf("known %d and unknown %d addresses are answered differently", known.Status, unknown.Status)
		}
		box.Wait(t, "admin@osby.demo", ui.ResetSubject)
		time.Sleep(200 * time.Millisecond)
		for _, m := range box.All() {
			if m.To[0] == "ingen@osby.demo" {
				t.Error("a message went to an address without an account")
			}
		}
	})

	t.Run("BadInput", func(t *testing.T) {
		for _, v := range []string{"", "inte en adress"} {
			res := a.client().post("/glomt-losenord", url.Values{"email": {v}})
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "e-postadress") {
				t.Errorf("%q: %d", v, res.Status)
			}
		}
	})

	t.Run("Throttled", func(t *testing.T) {
		c := a.client()
		const target = "samordnare@osby.demo"
		for i := range 3 {
			if res := c.post("/glomt-losenord", url.Values{"email": {target}}); res.Status != 200 {
				t.Fatalf("request %d: %d", i+1, res.Status)
			}
		}
		res := c.post("/glomt-losenord", url.Values{"email": {target}})
		if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(res.Body, "Vänta en stund") {
			t.Errorf("the fourth request: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM password_resets r JOIN users u ON u.id = r.user_id WHERE u.email = $1`, target); n != 3 {
			t.Errorf("%d links made, want 3", n)
		}
		// The throttle counts apart from sign-in: the account still signs in.
		a.client().signIn(target)
	})

	t.Run("SMTPDown", func(t *testing.T) {
		// The answer does not wait for the SMTP server, nor tell that it failed.
		box.Reject(true)
		defer box.Reject(false)
		res := a.client().post("/glomt-losenord", url.Values{"email": {"admin@horby.demo"}})
		if res.Status != http.StatusOK || !strings.Contains(res.Body, `data-testid="reset-sent"`) {
			t.Errorf("with the SMTP server refusing: %d", res.Status)
		}
	})

	t.Run("NotConfigured", func(t *testing.T) {
		b := newApp(t)
		for _, res := range []response{b.client().get("/glomt-losenord"), b.client().post("/glomt-losenord", url.Values{"email": {email}})} {
			if res.Status != 200 || !strings.Contains(res.Body, "inte inställd") || strings.Contains(res.Body, `name="email"`) {
				t.Errorf("without SMTP: %d", res.Status)
			}
		}
		if b.count(`SELECT count(*) FROM password_resets`) != 0 {
			t.Error("a link was made without SMTP")
		}
	})
}

// TestResetTwoFactor: an administrator removes a user's authenticator app
// after asking once; the user's sessions end, the user is told and sets up
// a new app at the next sign-in. Not one's own, not another organisation's.
func TestResetTwoFactor(t *testing.T) {
	t.Parallel()
	box := smtptest.Start(t)
	a := newApp(t, withMail(box))
	const email = "samordnare@osby.demo"
	uid := a.userID(email)
	u := a.client()
	u.signIn(email)
	setUpTwoFactor(t, u)
	admin := a.client()
	admin.signIn("admin@osby.demo")
	path := "/k/1273/anvandare/" + strconv.Itoa(uid) + "/tvastegs"
	if res := admin.get("/k/1273/anvandare/" + strconv.Itoa(uid)); !strings.Contains(res.Body, `data-testid="reset-two-factor"`) {
		t.Error("no reset button on the user's page")
	}
	// Asked once: nothing changes before the answer.
	if res := admin.post(path, nil); res.Status != 200 || !strings.Contains(res.Body, "Ja, återställ") {
		t.Fatalf("the question: %d", res.Status)
	}
	if a.count(`SELECT count(*) FROM users WHERE id = $1 AND totp_enabled_at IS NOT NULL`, uid) != 1 {
		t.Fatal("the question changed something")
	}

	t.Run("OwnRefused", func(t *testing.T) {
		res := admin.post("/k/1273/anvandare/"+strconv.Itoa(a.userID("admin@osby.demo"))+"/tvastegs", url.Values{"bekraftat": {"ja"}})
		if res.Status != http.StatusForbidden {
			t.Errorf("one's own: %d", res.Status)
		}
		if res := admin.get("/k/1273/anvandare/" + strconv.Itoa(a.userID("admin@osby.demo"))); strings.Contains(res.Body, `data-testid="reset-two-factor"`) {
			t.Error("a reset button on one's own page")
		}
	})
	t.Run("OtherOrgNotFound", func(t *testing.T) {
		other := a.client()
		other.signIn("admin@horby.demo")
		if res := other.post("/k/1266/anvandare/"+strconv.Itoa(uid)+"/tvastegs", url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusNotFound {
			t.Errorf("Hörby's administrator on Osby's user: %d", res.Status)
		}
		if res := other.post(path, url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusNotFound {
			t.Errorf("Hörby's administrator in Osby: %d", res.Status)
		}
		if res := u.post(path, url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusForbidden {
			t.Errorf("a coordinator: %d", res.Status)
		}
		if res := admin.post("/k/1273/anvandare/x/tvastegs", url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusNotFound {
			t.Errorf("a user id that is no number: %d", res.Status)
		}
		if a.count(`SELECT count(*) FROM users WHERE id = $1 AND totp_enabled_at IS NOT NULL`, uid) != 1 {
			t.Fatal("a refused reset changed something")
		}
	})

	res := admin.post(path, url.Values{"bekraftat": {"ja"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("the reset: %d", res.Status)
	}
	box.Wait(t, email, "Din tvåstegsinloggning i KAA-registret är återställd")
	if a.count(`SELECT count(*) FROM users WHERE id = $1 AND totp_secret IS NULL AND totp_enabled_at IS NULL AND must_set_up_two_factor`, uid) != 1 ||
		a.count(`SELECT count(*) FROM recovery_codes WHERE user_id = $1`, uid) != 0 {
		t.Error("the app or the recovery codes remain")
	}
	if res := u.get("/k/1273/deltagare"); res.Location != "/logga-in" {
		t.Errorf("the user's session after the reset: %d %q", res.Status, res.Location)
	}
	// Osby does not require two-factor sign-in, yet the user sets it up again.
	n := a.client()
	n.signIn(email)
	if res := n.get("/k/1273/deltagare"); res.Location != "/konto/tvastegs" {
		t.Errorf("after the reset, the next sign-in: %d %q, want the set-up page", res.Status, res.Location)
	}
	setUpTwoFactor(t, n)
	if res := n.get("/k/1273/deltagare"); res.Status != 200 {
		t.Errorf("after setting up again: %d %q", res.Status, res.Location)
	}
	if a.count(`SELECT count(*) FROM audit_events WHERE action = 'user.two_factor_reset' AND record_id = $1`, strconv.Itoa(uid)) != 1 ||
		a.count(`SELECT count(*) FROM security_events WHERE action = 'admin.two_factor_reset'`) != 1 {
		t.Error("the reset is not in the audit and security logs")
	}
}
