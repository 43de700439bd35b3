package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/seed"
)

const waitMsg = "För många misslyckade försök. Vänta "

// signInFrom posts the sign-in form as if from the client address addr (the
// app trusts X-Forwarded-For in these tests).
func (c *client) signInFrom(addr, email, password string) response {
	c.a.t.Helper()
	return c.do("POST", "/logga-in", url.Values{"email": {email}, "password": {password}}, map[string]string{"X-Forwarded-For": addr})
}

// openGates lets the next attempt through every gate whose key matches like,
// as if its delay had passed.
func (a *app) openGates(like string) {
	a.t.Helper()
	if _, err := a.db.Owner.Exec(context.Background(), `UPDATE signin_throttle SET next_at = now() WHERE key LIKE $1`, like); err != nil {
		a.t.Fatal(err)
	}
}

// retryAfter checks that res is the throttle's answer and returns its
// Retry-After in seconds.
func retryAfter(t *testing.T, what string, res response) int {
	t.Helper()
	secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if res.Status != http.StatusTooManyRequests || err != nil || secs < 1 || !strings.Contains(res.Body, waitMsg) {
		t.Fatalf("%s: status %d, Retry-After %q, message shown %v; want 429 with Retry-After and when to try again",
			what, res.Status, res.Header.Get("Retry-After"), strings.Contains(res.Body, waitMsg))
	}
	return secs
}

// TestSignInDelaysGrow: after three wrong passwords for an account from one
// address, each further attempt from there waits 1 s, 2 s, 4 s … up to the
// longest delay; a too-early attempt is refused with 429, Retry-After and a
// Swedish message saying when, without checking the password (the right one
// included), and an unknown account gets the same answers.
func TestSignInDelaysGrow(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, email := range []string{"admin@horby.demo", "ingen@horby.demo"} {
		c := a.client()
		for i := 0; i < 3; i++ {
			if res := c.post("/logga-in", url.Values{"email": {email}, "password": {"fel-losenord-123"}}); res.Status != http.StatusUnauthorized {
				t.Fatalf("%s: wrong password %d: status %d, want 401", email, i+1, res.Status)
			}
		}
		password := seed.DemoPassword // the right one, for the real account: not even checked
		res := c.post("/logga-in", url.Values{"email": {email}, "password": {password}})
		if secs := retryAfter(t, email+" after 3 failures", res); secs != 1 || !strings.Contains(res.Body, "Vänta 1 sekund och") {
			t.Errorf("%s after 3 failures: Retry-After %d; want 1 and the message to say 1 sekund", email, secs)
		}
		// Each further failure doubles the delay, up to the longest (8 s here).
		for _, want := range []int{2, 4, 8, 8} {
			a.openGates("%" + email + "%")
			if res := c.post("/logga-in", url.Values{"email": {email}, "password": {"fel-losenord-123"}}); res.Status != http.StatusUnauthorized {
				t.Fatalf("%s: once the delay has passed the attempt is checked; status %d", email, res.Status)
			}
			res := c.post("/logga-in", url.Values{"email": {email}, "password": {password}})
			if got := retryAfter(t, email, res); got != want {
				t.Errorf("%s: Retry-After %d, want %d", email, got, want)
			}
			if want == 8 && !strings.Contains(res.Body, "Vänta 8 sekunder och") {
				t.Errorf("%s: the message does not say 8 sekunder", email)
			}
		}
	}
	uid := a.userID("admin@horby.demo")
	if n := a.count(`SELECT count(*) FROM security_events WHERE action = 'session.signin_failed' AND user_id = $1`, uid); n != 7 {
		t.Errorf("%d password checks for the account, want 7 (3 free, 4 after the delays)", n)
	}
	if n := a.count(`SELECT count(*) FROM security_events WHERE action = 'session.signin_throttled' AND user_id = $1`, uid); n != 5 {
		t.Errorf("%d throttled attempts in the security log, want 5", n)
	}
	// The delay lives in PostgreSQL, not in the server; once it has passed
	// the right password signs in and clears the account's count.
	a.openGates("%admin@horby.demo%")
	a.client().signIn("admin@horby.demo")
	if n := a.count(`SELECT count(*) FROM signin_throttle WHERE key LIKE '%admin@horby.demo%' AND failures > 0`); n != 0 {
		t.Errorf("%d counters of the account left after the sign-in", n)
	}
}

// TestSignInThrottleCountsAtomically: 20 wrong passwords at the same moment
// get exactly the 3 free password checks; the other 17 are refused unchecked.
func TestSignInThrottleCountsAtomically(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	slow := testThrottle
	slow.Base = time.Minute // no delay passes during the test
	a.h.SetThrottle(slow)
	var wg sync.WaitGroup
	statuses := make(chan int, 20)
	start := make(chan struct{})
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := a.client()
			<-start
			statuses <- c.postQuiet("/logga-in", url.Values{"email": {"admin@osby.demo"}, "password": {"fel-losenord-123"}})
		}()
	}
	close(start)
	wg.Wait()
	close(statuses)
	byStatus := map[int]int{}
	for s := range statuses {
		byStatus[s]++
	}
	if byStatus[http.StatusUnauthorized] != 3 || byStatus[http.StatusTooManyRequests] != 17 {
		t.Errorf("answers %v; want 3 × 401 and 17 × 429", byStatus)
	}
	uid := a.userID("admin@osby.demo")
	checked := a.count(`SELECT count(*) FROM security_events WHERE action = 'session.signin_failed' AND user_id = $1`, uid)
	refused := a.count(`SELECT count(*) FROM security_events WHERE action = 'session.signin_throttled' AND user_id = $1`, uid)
	if checked != 3 || refused != 17 {
		t.Errorf("%d passwords checked and %d refused unchecked; want 3 and 17", checked, refused)
	}
}

// TestSignInStrangerCannotLockOut: a stranger guessing a coordinator's
// password, from one address or from many, bounds their own guesses and
// does not keep the coordinator out; guessing from a municipal NAT does not
// keep out the staff behind it.
func TestSignInStrangerCannotLockOut(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.TrustProxy = true })
	nat := testThrottle
	nat.Addr.Free = 20
	// Each gate's delay at its longest from the first one on (8 s for the
	// pair, 2 s for the account): on a busy machine 30 guesses take more
	// than the default's first second, and a guess after it was checked.
	nat.Base = nat.Pair.Max
	a.h.SetThrottle(nat)
	const victim, attacker, office = "samordnare@horby.demo", "203.0.113.5", "198.51.100.7"
	uid := a.userID(victim)
	checked := func() int {
		return a.count(`SELECT count(*) FROM security_events WHERE action = 'session.signin_failed' AND user_id = $1`, uid)
	}
	signsIn := func(what, addr, email string) {
		t.Helper()
		if res := a.client().signInFrom(addr, email, seed.DemoPassword); res.Status != http.StatusSeeOther || res.Location != "/" {
			t.Fatalf("%s: status %d, want a sign-in", what, res.Status)
		}
	}
	// signsInAfterWaiting: held back at most max, then in.
	signsInAfterWaiting := func(what, addr, email string, max int) {
		t.Helper()
		res := a.client().signInFrom(addr, email, seed.DemoPassword)
		if res.Status == http.StatusSeeOther {
			return
		}
		if secs := retryAfter(t, what, res); secs > max {
			t.Fatalf("%s: asked to wait %d s, more than the account's longest delay %d s", what, secs, max)
		} else {
			time.Sleep(time.Duration(secs) * time.Second)
		}
		signsIn(what+" after waiting", addr, email)
	}

	// One address: 30 guesses, 3 checked, and the coordinator signs in at
	// once from the office.
	c := a.client()
	for i := 0; i < 30; i++ {
		c.signInFrom(attacker, victim, "gissning-"+strconv.Itoa(i))
	}
	if n := checked(); n != 3 {
		t.Errorf("30 guesses from one address: %d checked, want 3", n)
	}
	signsIn("the coordinator from the office while a stranger guesses", office, victim)

	// Many addresses: 12 × 3 guesses. The account's own delay stops most of
	// them; the coordinator's office, known to the account, is not held
	// back, and a new address waits no longer than the account's longest delay.
	before := checked()
	for i := 0; i < 12; i++ {
		for j := 0; j < 3; j++ {
			c.signInFrom("192.0.2."+strconv.Itoa(10+i), victim, "gissning-"+strconv.Itoa(j))
		}
	}
	if n := checked() - before; n < testThrottle.Account.Free || n > testThrottle.Account.Free+2 {
		t.Errorf("36 guesses from 12 addresses: %d checked, want about %d", n, testThrottle.Account.Free)
	}
	signsIn("the coordinator from the office while many guess", office, victim)
	signsInAfterWaiting("the coordinator from a new address", "198.51.100.99", victim, int(testThrottle.Account.Max/time.Second))

	// A municipal NAT: someone behind it tries 25 made-up accounts. Staff who
	// signed in from there before go on signing in; others wait briefly.
	signsIn("a colleague at the NAT before the guessing", attacker, "admin@horby.demo")
	for i := 0; i < 25; i++ {
		c.signInFrom(attacker, "ingen"+strconv.Itoa(i)+"@horby.demo", "gissning")
	}
	res := c.signInFrom(attacker, "ingen99@horby.demo", "gissning")
	retryAfter(t, "the 26th made-up account from the NAT", res)
	signsIn("a colleague at the NAT after the guessing", attacker, "admin@horby.demo")
	signsInAfterWaiting("a colleague new at the NAT", attacker, "admin@osby.demo", int(nat.Addr.Max/time.Second))
}

// TestSignInThrottleIPv6Prefix: guesses from the many addresses of one IPv6
// /64 (one subscriber's) count as from one address.
func TestSignInThrottleIPv6Prefix(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.TrustProxy = true })
	th := testThrottle
	th.Base = th.Pair.Max // the 20 guesses may take more than a second on a busy machine
	a.h.SetThrottle(th)
	c := a.client()
	for i := 0; i < 20; i++ {
		c.signInFrom("2001:db8:5:7::"+strconv.FormatInt(int64(i+1), 16), "admin@osby.demo", "gissning-"+strconv.Itoa(i))
	}
	if n := a.count(`SELECT count(*) FROM security_events WHERE action = 'session.signin_failed' AND user_id = $1`, a.userID("admin@osby.demo")); n != 3 {
		t.Errorf("20 guesses from one /64: %d checked, want 3", n)
	}
}

// TestChangePasswordThrottledAndLogged: the current-password check of "Byt
// lösenord" is guessed like a sign-in: each wrong one is in the security log,
// and after three the next attempt waits, unchecked and logged.
func TestChangePasswordThrottledAndLogged(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	uid := a.userID("samordnare@osby.demo")
	form := func(current string) url.Values {
		return url.Values{"current": {current}, "new": {"ett nytt langt losenord"}, "confirm": {"ett nytt langt losenord"}}
	}
	for i := 0; i < 3; i++ {
		if res := c.post("/konto/losenord", form("inte-mitt-losenord")); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong current password %d: status %d, want 422", i+1, res.Status)
		}
	}
	if n := a.count(`SELECT count(*) FROM security_events WHERE action = 'user.password_change_failed' AND user_id = $1`, uid); n != 3 {
		t.Errorf("%d wrong current passwords in the security log, want 3", n)
	}
	res := c.post("/konto/losenord", form(seed.DemoPassword))
	retryAfter(t, "the right current password after 3 wrong", res)
	if !strings.Contains(res.Body, `href="#f-current"`) {
		t.Error("the wait is not shown at the field for the current password")
	}
	if n := a.count(`SELECT count(*) FROM security_events WHERE action = 'user.password_change_throttled' AND user_id = $1`, uid); n != 1 {
		t.Errorf("%d throttled attempts in the security log, want 1", n)
	}
	if n := a.count(`SELECT count(*) FROM security_events WHERE action = 'user.password_changed' AND user_id = $1`, uid); n != 0 {
		t.Fatal("the password was changed while the check was held back")
	}
	a.openGates("%samordnare@osby.demo%")
	if res := c.post("/konto/losenord", form(seed.DemoPassword)); res.Status != http.StatusSeeOther {
		t.Errorf("once the delay has passed: status %d, want the change", res.Status)
	}
}

// TestTwoFactorCodeGuessesThrottled: wrong one-time codes count towards the
// account's delays, and giving the (known) password again does not clear
// them: someone who has the password gets no fresh guesses at the code.
func TestTwoFactorCodeGuessesThrottled(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	const email = "samordnare@horby.demo"
	c := a.client()
	c.signIn(email)
	m := regexp.MustCompile(`data-testid="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(c.get("/konto/tvastegs").Body)
	if m == nil {
		t.Fatal("no secret on the set-up page")
	}
	code, err := totp.GenerateCode(m[1], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	res := c.post("/konto/tvastegs", url.Values{"code": {code}})
	recovery := regexp.MustCompile(`<code>([a-z2-7]{5}-[a-z2-7]{5})</code>`).FindAllStringSubmatch(res.Body, -1)
	if len(recovery) == 0 {
		t.Fatalf("set-up: %d, no recovery codes", res.Status)
	}

	passwordStep := func() *client {
		t.Helper()
		c := a.client()
		if res := c.post("/logga-in", url.Values{"email": {email}, "password": {seed.DemoPassword}}); res.Location != "/logga-in/kod" {
			t.Fatalf("password step: %d %q", res.Status, res.Location)
		}
		return c
	}
	c = passwordStep()
	for i := 0; i < 3; i++ {
		if res := c.post("/logga-in/kod", url.Values{"code": {"123456"}}); res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong code %d: %d, want 422", i+1, res.Status)
		}
	}
	if res := c.post("/logga-in/kod", url.Values{"code": {"654321"}}); retryAfter(t, "a 4th code at once", res) < 1 {
		t.Fatal("no wait")
	}
	a.openGates("%" + email + "%")
	c = passwordStep()
	retryAfter(t, "a code right after giving the password again", c.post("/logga-in/kod", url.Values{"code": {"123456"}}))
	uid := a.userID(email)
	if n := a.count(`SELECT count(*) FROM security_events WHERE action = 'session.two_factor_failed' AND user_id = $1 AND NOT (detail->>'throttled')::boolean`, uid); n != 3 {
		t.Errorf("%d codes checked, want 3", n)
	}
	// Once the delay has passed, a right code signs in and clears the count.
	a.openGates("%" + email + "%")
	if res := c.post("/logga-in/kod", url.Values{"code": {recovery[0][1]}}); res.Status != http.StatusSeeOther || res.Location != "/" {
		t.Fatalf("a recovery code once the delay has passed: %d %q", res.Status, res.Location)
	}
	if n := a.count(`SELECT count(*) FROM signin_throttle WHERE key LIKE $1 AND failures > 0`, "%"+email+"%"); n != 0 {
		t.Errorf("%d counters of the account left after the sign-in", n)
	}
}

// TestSignInOfficeBehindOneAddress: colleagues signing in one after another
// from the municipality's one public address are never held back by the
// address's gate; each right password takes back the failure its attempt
// counted, while a stranger's wrong guesses from there still count.
func TestSignInOfficeBehindOneAddress(t *testing.T) {
	t.Parallel()
	a := newApp(t, func(c *config.Config) { c.TrustProxy = true })
	office := testThrottle
	office.Addr.Free = 3
	office.Base = office.Pair.Max
	a.h.SetThrottle(office)
	const addr = "198.51.100.20"
	colleagues := []string{"samordnare@osby.demo", "admin@osby.demo", "samordnare@horby.demo", "admin@horby.demo",
		"admin@kristianstad.demo", "admin@falkenberg.demo", "samordnare@falkenberg.demo", "samordnare@kristianstad.demo"}
	for _, email := range colleagues {
		if res := a.client().signInFrom(addr, email, seed.DemoPassword); res.Status != http.StatusSeeOther {
			t.Fatalf("%s, signing in after %d colleagues from the same address: status %d", email, slices.Index(colleagues, email), res.Status)
		}
	}
	// Three wrong guesses at three accounts from there use up the address's
	// free failures: the next attempt from it waits, whoever makes it.
	for _, email := range []string{"ingen1@osby.demo", "ingen2@osby.demo", "ingen3@osby.demo"} {
		if res := a.client().signInFrom(addr, email, "fel-losenord"); res.Status != http.StatusUnauthorized && res.Status != http.StatusUnprocessableEntity {
			t.Fatalf("a wrong guess for %s: status %d", email, res.Status)
		}
	}
	retryAfter(t, "an attempt after three wrong guesses from the address", a.client().signInFrom(addr, "ingen4@osby.demo", "fel-losenord"))
}
