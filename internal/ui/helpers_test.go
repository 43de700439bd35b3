package ui_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/auth"
	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/secretbox"
	"github.com/kaa-plattform/kaa/internal/seed"
	"github.com/kaa-plattform/kaa/internal/ui"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// app is the real router over a fresh copy of the demo database.
type app struct {
	t   *testing.T
	db  *pgtest.DB
	h   *ui.Handler
	srv *httptest.Server
}

type option func(*config.Config)

func newApp(t *testing.T, opts ...option) *app {
	t.Helper()
	return newAppWithLog(t, io.Discard, opts...)
}

// syncBuffer is a log destination that tests can read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newAppWithLog(t *testing.T, logTo io.Writer, opts ...option) *app {
	t.Helper()
	// The demo's organisations and accounts, but no young people: each test
	// registers the ones it needs.
	return appOn(t, pgtest.NewFrom(t, "accounts", seed.StructureAt), logTo, opts...)
}

// appOn serves the real application on d.
func appOn(t *testing.T, d *pgtest.DB, logTo io.Writer, opts ...option) *app {
	t.Helper()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.TOTPKeys, err = secretbox.ParseKeys(secretbox.NewKey("test")); err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(&cfg)
	}
	h := ui.New(d.App, cfg, slog.New(slog.NewJSONHandler(logTo, nil)))
	h.SetThrottle(testThrottle)
	srv := httptest.NewServer(h.Router())
	t.Cleanup(func() { srv.Close(); h.Close() })
	return &app{t: t, db: d, h: h, srv: srv}
}

// testThrottle is the sign-in throttle of the tests: the default's free
// failures per account, short delays, and an address gate that the tests,
// all from one address, do not reach unless they mean to.
var testThrottle = auth.Throttle{
	Pair:     auth.Gate{Free: 3, Max: 8 * time.Second, Forget: time.Hour},
	Account:  auth.Gate{Free: 10, Max: 2 * time.Second, Forget: time.Hour},
	Addr:     auth.Gate{Free: 1000, Max: 2 * time.Second, Forget: time.Hour},
	Base:     time.Second,
	KnownFor: time.Hour,
}

// client is one browser: its own cookie jar, no automatic redirects.
type client struct {
	a   *app
	c   *http.Client
	jar *cookiejar.Jar
}

func (a *app) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{a: a, jar: jar, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type response struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

func (c *client) do(method, path string, form url.Values, hdr map[string]string) response {
	c.a.t.Helper()
	res, err := c.send(method, path, form, hdr)
	if err != nil {
		c.a.t.Fatal(err)
	}
	return res
}

// send makes one request and reads the whole answer.
func (c *client) send(method, path string, form url.Values, hdr map[string]string) (response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.a.srv.URL+path, body)
	if err != nil {
		return response{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := c.c.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}, nil
}

func (c *client) get(path string) response { return c.do("GET", path, nil, nil) }

// getQuiet and postQuiet are for many goroutines at once: they return the
// status only, 0 when there was no answer, and never stop the test.
func (c *client) getQuiet(path string) int { return c.quiet("GET", path, nil) }

func (c *client) postQuiet(path string, form url.Values) int { return c.quiet("POST", path, form) }

func (c *client) quiet(method, path string, form url.Values) int {
	res, err := c.send(method, path, form, nil)
	if err != nil {
		return 0
	}
	return res.Status
}

func (c *client) post(path string, form url.Values) response {
	if form == nil {
		form = url.Values{}
	}
	return c.do("POST", path, form, nil)
}

// signIn signs in with the demo password and fails the test unless it works.
func (c *client) signIn(email string) {
	c.a.t.Helper()
	c.signInWith(email, seed.DemoPassword)
}

func (c *client) signInWith(email, password string) {
	c.a.t.Helper()
	res := c.post("/logga-in", url.Values{"email": {email}, "password": {password}})
	if res.Status != http.StatusSeeOther || res.Location != "/" {
		c.a.t.Fatalf("sign in as %s: status %d location %q", email, res.Status, res.Location)
	}
}

func (c *client) sessionCookie() *http.Cookie {
	u, _ := url.Parse(c.a.srv.URL)
	for _, ck := range c.jar.Cookies(u) {
		if strings.HasSuffix(ck.Name, "kaa_session") {
			return ck
		}
	}
	return nil
}

// count runs a counting query as the owner (bypassing row-level security).
func (a *app) count(sql string, args ...any) int {
	a.t.Helper()
	var n int
	if err := a.db.Owner.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

func (a *app) userID(email string) int {
	return a.count(`SELECT id FROM users WHERE email = $1`, email)
}

func (a *app) orgID(key string) int {
	return a.count(`SELECT id FROM orgs WHERE key = $1`, key)
}

// fixture registers, as the owner, a young person in the organisation with key,
// with a KAA enrolment, an SMS by the coordinator with email and a plan; it
// returns the ids of the person, the enrolment and the contact. The person
// also has an exit follow-up (see followUpOf).
func (a *app) fixture(key, coordinator, first, last string) (pid, eid, cid int64) {
	a.t.Helper()
	err := a.db.Owner.QueryRow(context.Background(), `
		WITH p AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name)
		           VALUES ($1, '200803010024', '2008-03-01', $3, $4) RETURNING id),
		     e AS (INSERT INTO enrolments (tenant_id, participant_id, kind, starts_on, registration_reason) SELECT $1, id, 'kaa', '2026-01-01', 'dropped_out' FROM p RETURNING id),
		     c AS (INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by)
		           SELECT $1, id, now(), 'sms', 'outgoing', false, $2 FROM p RETURNING id),
		     pl AS (INSERT INTO plans (tenant_id, participant_id, version, created_by) SELECT $1, id, 1, $2 FROM p RETURNING participant_id),
		     g AS (INSERT INTO plan_goals (tenant_id, participant_id, version, position, text, status)
		           SELECT $1, participant_id, 1, 1, 'Börja på komvux', 'in_progress' FROM pl),
		     f AS (INSERT INTO followups (tenant_id, participant_id, enrolment_id, kind, due_on) SELECT $1, p.id, e.id, 'exit', current_date FROM p, e)
		SELECT (SELECT id FROM p), (SELECT id FROM e), (SELECT id FROM c)`, a.orgID(key), a.userID(coordinator), first, last).Scan(&pid, &eid, &cid)
	if err != nil {
		a.t.Fatal(err)
	}
	return pid, eid, cid
}

// assertSummary checks that the summary the triggers keep on every
// participant equals what the contact log and enrolments say.
func (a *app) assertSummary() {
	a.t.Helper()
	n := a.count(`
		SELECT count(*) FROM participants p
		WHERE p.status <> participant_status(
		        (SELECT count(*)::int FROM enrolments e WHERE e.tenant_id = p.tenant_id AND e.participant_id = p.id),
		        (SELECT count(*)::int FROM enrolments e WHERE e.tenant_id = p.tenant_id AND e.participant_id = p.id AND e.ends_on IS NULL),
		        EXISTS (SELECT 1 FROM plans x WHERE x.tenant_id = p.tenant_id AND x.participant_id = p.id),
		        EXISTS (SELECT 1 FROM contacts_effective c WHERE c.tenant_id = p.tenant_id AND c.participant_id = p.id AND c.reached),
		        EXISTS (SELECT 1 FROM contacts_effective c WHERE c.tenant_id = p.tenant_id AND c.participant_id = p.id))
		   OR p.last_contact_at IS DISTINCT FROM (SELECT max(c.occurred_at) FROM contacts_effective c WHERE c.tenant_id = p.tenant_id AND c.participant_id = p.id)`)
	if n != 0 {
		a.t.Errorf("%d participants whose summary disagrees with their contacts and enrolments", n)
	}
}

// followUpOf returns the id of a follow-up of participant pid.
func (a *app) followUpOf(pid int64) string {
	return strconv.Itoa(a.count(`SELECT min(id) FROM followups WHERE participant_id = $1`, pid))
}
