package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/sms"
)

const smsToken = "test-callback-token-0123456789abcdef"

// elksGateway is an HTTP server that follows 46elks' documented SMS API
// (docs/design/sms.md): POST /a1/sms with basic auth and form fields from,
// to, message and whendelivered; a JSON answer with id and status; then
// delivery reports ("sent", then "delivered") posted form-encoded to
// whendelivered. It posts to the address the product gave, with the host
// of publicURL replaced by the app's test server, as a proxy would route it.
type elksGateway struct {
	t     *testing.T
	srv   *httptest.Server
	app   string        // the app's test server URL
	delay time.Duration // answer this late
	fail  bool          // answer 500
	mu    sync.Mutex
	sent  []url.Values
	seq   int
	wg    sync.WaitGroup // delivery reports on their way
}

func newElksGateway(t *testing.T) *elksGateway {
	g := &elksGateway{t: t}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *elksGateway) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/a1/sms" {
		http.NotFound(w, r)
		return
	}
	if u, p, ok := r.BasicAuth(); !ok || u != "elkuser" || p != "elkpass" {
		http.Error(w, "API access requires Basic HTTP authentication.", http.StatusUnauthorized)
		return
	}
	if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.ParseForm() != nil {
		http.Error(w, "Invalid request", http.StatusBadRequest)
		return
	}
	f := r.PostForm
	if f.Get("from") == "" || f.Get("message") == "" || !strings.HasPrefix(f.Get("to"), "+") {
		http.Error(w, "Missing key from, to or message", http.StatusBadRequest)
		return
	}
	if g.delay > 0 {
		time.Sleep(g.delay)
	}
	if g.fail {
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	g.mu.Lock()
	g.seq++
	id := fmt.Sprintf("s%032d", g.seq)
	g.sent = append(g.sent, f)
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"id": id, "status": "created", "direction": "outgoing", "from": f.Get("from"),
		"to": f.Get("to"), "message": f.Get("message"), "created": time.Now().UTC().Format("2006-01-02T15:04:05.000000"),
		"parts": 1, "estimated_cost": 3500})
	if dlr := f.Get("whendelivered"); dlr != "" {
		g.wg.Add(1)
		go func() {
			defer g.wg.Done()
			time.Sleep(50 * time.Millisecond)
			g.post(dlr, url.Values{"id": {id}, "status": {"sent"}})
			g.post(dlr, url.Values{"id": {id}, "status": {"delivered"}, "delivered": {time.Now().UTC().Format("2006-01-02T15:04:05.000000")}})
		}()
	}
}

// post sends a callback the way 46elks does: form-encoded, expecting 200–204.
func (g *elksGateway) post(to string, form url.Values) int {
	u, err := url.Parse(to)
	if err != nil {
		g.t.Error(err)
		return 0
	}
	app, _ := url.Parse(g.app)
	u.Scheme, u.Host = app.Scheme, app.Host
	res, err := http.PostForm(u.String(), form)
	if err != nil {
		g.t.Error(err)
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// reply is someone answering from number: 46elks posts it to the number's sms_url.
func (g *elksGateway) reply(from, message string) int {
	return g.post("http://kaa.test/sms/46elks/"+smsToken+"/svar", url.Values{"direction": {"incoming"}, "id": {fmt.Sprintf("in%d", time.Now().UnixNano())},
		"from": {from}, "to": {"+46766861004"}, "message": {message}, "created": {time.Now().UTC().Format("2006-01-02T15:04:05.000000")}})
}

func (g *elksGateway) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.sent)
}

// withSMS configures the app to send through g, with callbacks to http://kaa.test.
func withSMS(g *elksGateway, timeout time.Duration) option {
	return func(c *config.Config) {
		c.PublicURL = "http://kaa.test"
		c.SMS = config.SMS{Provider: "46elks", Username: "elkuser", Password: "elkpass", URL: g.srv.URL + "/a1/sms",
			From: "OsbyKommun", Token: smsToken, Timeout: timeout}
	}
}

func newSMSApp(t *testing.T, timeout time.Duration) (*app, *elksGateway) {
	g := newElksGateway(t)
	a := newApp(t, withSMS(g, timeout))
	g.app = a.srv.URL
	t.Cleanup(g.wg.Wait) // before the app closes
	return a, g
}

// alva signs a coordinator of Osby in and registers Alva, with a mobile
// number; it returns the coordinator's client, Alva's id and page.
func alva(a *app) (*client, int64, string) {
	a.t.Helper()
	c := a.client()
	c.signIn("samordnare@osby.demo")
	id := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	return c, id, fmt.Sprintf("/k/1273/deltagare/%d", id)
}

// waitFor polls the database until sql counts want, or fails.
func (a *app) waitFor(want int, sql string, args ...any) {
	a.t.Helper()
	for i := 0; i < 100; i++ {
		if a.count(sql, args...) == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	a.t.Fatalf("waited for %d from %s; got %d", want, sql, a.count(sql, args...))
}

func TestSMSSend(t *testing.T) {
	t.Parallel()
	a, g := newSMSApp(t, 5*time.Second)
	c, id, base := alva(a)

	t.Run("OK", func(t *testing.T) {
		res := c.post(base+"/sms", url.Values{"text": {"Hej Alva! Ring mig gärna. /Sam"}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("send: %d", res.Status)
		}
		if g.count() != 1 {
			t.Fatalf("the gateway got %d messages", g.count())
		}
		got := g.sent[0]
		if got.Get("to") != "+46701234567" || got.Get("from") != "OsbyKommun" || got.Get("message") != "Hej Alva! Ring mig gärna. /Sam" ||
			got.Get("whendelivered") != "http://kaa.test/sms/46elks/"+smsToken+"/leverans" {
			t.Errorf("the gateway got %v", got)
		}
		if n := a.count(`SELECT count(*) FROM contacts c JOIN sms_messages s ON s.tenant_id = c.tenant_id AND s.contact_id = c.id
			WHERE c.participant_id = $1 AND c.channel = 'sms' AND c.direction = 'outgoing' AND c.note = 'Hej Alva! Ring mig gärna. /Sam'`, id); n != 1 {
			t.Errorf("%d SMS contacts logged", n)
		}
		a.waitFor(1, `SELECT count(*) FROM sms_messages WHERE participant_id = $1 AND status = 'delivered' AND delivered_at IS NOT NULL`, id)
		page := c.get(base)
		if !strings.Contains(page.Body, "Levererat") || !strings.Contains(page.Body, "Hej Alva! Ring mig gärna.") {
			t.Errorf("the page does not show the delivered SMS")
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'sms.report' AND user_id IS NULL AND record_id = $1`, fmt.Sprint(id)); n < 1 {
			t.Errorf("delivery report not audited as a system write")
		}
	})

	t.Run("ReplyIsIncomingContact", func(t *testing.T) {
		if s := g.reply("+46701234567", "Ja, jag ringer i morgon"); s != http.StatusNoContent {
			t.Fatalf("reply: %d", s)
		}
		if n := a.count(`SELECT count(*) FROM contacts WHERE participant_id = $1 AND direction = 'incoming' AND channel = 'sms' AND reached AND note = 'Ja, jag ringer i morgon'
			AND created_by = $2`, id, a.userID("samordnare@osby.demo")); n != 1 {
			t.Errorf("%d incoming contacts", n)
		}
	})

	t.Run("ErrTooLong", func(t *testing.T) {
		before := g.count()
		res := c.post(base+"/sms", url.Values{"text": {strings.Repeat("a", 1650)}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Texten är 1\u00a0650 tecken; högst 1\u00a0600") {
			t.Errorf("too long: %d %q", res.Status, excerpt(res.Body, "Texten"))
		}
		if g.count() != before {
			t.Error("sent anyway")
		}
	})

	t.Run("ForgedToken", func(t *testing.T) {
		pid := a.count(`SELECT id FROM sms_messages WHERE participant_id = $1 AND direction = 'outgoing' LIMIT 1`, id)
		var provider string
		a.db.Owner.QueryRow(t.Context(), `SELECT provider_id FROM sms_messages WHERE id = $1`, pid).Scan(&provider)
		for _, path := range []string{"/sms/46elks/wrong-token-0123456789abcdef0123/leverans", "/sms/46elks/" + smsToken[:len(smsToken)-1] + "/svar"} {
			res, err := http.PostForm(a.srv.URL+path, url.Values{"id": {provider}, "status": {"failed"}, "from": {"+46701234567"}, "message": {"STOPP"}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d", path, res.StatusCode)
			}
		}
		if n := a.count(`SELECT count(*) FROM sms_messages WHERE status = 'failed'`); n != 0 {
			t.Error("a forged report changed a status")
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE no_sms`); n != 0 {
			t.Error("a forged reply turned SMS off")
		}
	})

	t.Run("CallbackBodies", func(t *testing.T) {
		for _, tc := range []struct {
			body   string
			status int
		}{{"id=%zz", http.StatusBadRequest}, {"status=delivered", http.StatusBadRequest}, {"id=x&a=" + strings.Repeat("x", 20<<10), http.StatusRequestEntityTooLarge}} {
			res, err := http.Post(a.srv.URL+"/sms/46elks/"+smsToken+"/leverans", "application/x-www-form-urlencoded", strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Errorf("%.20s: %d, want %d", tc.body, res.StatusCode, tc.status)
			}
		}
	})

	t.Run("StoppOptsOut", func(t *testing.T) {
		if s := g.reply("+46701234567", " Stopp "); s != http.StatusNoContent {
			t.Fatalf("reply: %d", s)
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE id = $1 AND no_sms`, id); n != 1 {
			t.Fatal("STOPP did not turn SMS off")
		}
		if page := c.get(base); !strings.Contains(page.Body, "Personen vill inte ha sms") {
			t.Error("the page does not say the person wants no SMS")
		}
		before := g.count()
		res := c.post(base+"/sms", url.Values{"text": {"Hej igen"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Personen vill inte ha sms") || g.count() != before {
			t.Errorf("send to an opted-out person: %d, gateway %d → %d", res.Status, before, g.count())
		}
	})

	t.Run("ErrForeignTenant", func(t *testing.T) {
		other := a.count(`INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, mobile)
			VALUES ($1, '200803010024', '2008-03-01', 'Annan', 'Kommun', '+46709999999') RETURNING id`, a.orgID("1293"))
		before := g.count()
		if res := c.post(fmt.Sprintf("/k/1273/deltagare/%d/sms", other), url.Values{"text": {"Hej"}}); res.Status != http.StatusNotFound {
			t.Errorf("another municipality's person: %d", res.Status)
		}
		if res := c.post("/k/1273/deltagare/markerade/sms", url.Values{"id": {fmt.Sprint(other)}, "text": {"Hej"}}); res.Status != http.StatusNotFound {
			t.Errorf("bulk with another municipality's person: %d", res.Status)
		}
		if g.count() != before {
			t.Error("sent to another municipality's person")
		}
	})
}

func TestSMSBulk(t *testing.T) {
	t.Parallel()
	a, g := newSMSApp(t, 5*time.Second)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	one := c.register(newParticipant("080301-0024", "Alva", "Andersson"))
	noMobile := newParticipant("080302-0023", "Bo", "Berg")
	noMobile.Del("mobile")
	two := c.register(noMobile)
	three := newParticipant("080303-0022", "Cajsa", "Carlsson")
	three.Set("mobile", "070-123 45 67") // the same number as Alva
	tre := c.register(three)

	t.Run("ErrNoneSelected", func(t *testing.T) {
		res := c.post("/k/1273/deltagare/markerade/sms", url.Values{"text": {"Hej"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Ingen är markerad") {
			t.Errorf("zero people: %d", res.Status)
		}
	})

	t.Run("OK", func(t *testing.T) {
		res := c.post("/k/1273/deltagare/markerade/sms", url.Values{"id": {fmt.Sprint(one), fmt.Sprint(two), fmt.Sprint(tre)}, "text": {"Välkommen på träff"}})
		if res.Status != http.StatusOK {
			t.Fatalf("bulk: %d", res.Status)
		}
		if !strings.Contains(res.Body, "Bo Berg: har inget mobilnummer") || !strings.Contains(res.Body, "Alva Andersson: Skickat") {
			t.Errorf("the result page: %s", excerpt(res.Body, "Skickade"))
		}
		if g.count() != 2 {
			t.Errorf("the gateway got %d", g.count())
		}
		if n := a.count(`SELECT count(*) FROM contacts WHERE channel = 'sms' AND note = 'Välkommen på träff'`); n != 2 {
			t.Errorf("%d contacts", n)
		}
	})

	t.Run("FromTheList", func(t *testing.T) {
		// The list's form for the marked people offers the send, and its
		// "everyone on this page" box sends to the page's rows.
		if list := c.get("/k/1273/deltagare"); !strings.Contains(list.Body, `formaction="/k/1273/deltagare/markerade/sms"`) {
			t.Fatal("the list's form for the marked people has no SMS button")
		}
		before := g.count()
		res := c.post("/k/1273/deltagare/markerade/sms", url.Values{"alla": {"1"}, "sidan": {fmt.Sprint(one), fmt.Sprint(two)}, "id": {fmt.Sprint(tre)}, "text": {"Påminnelse om träffen"}})
		if res.Status != http.StatusOK || g.count() != before+1 {
			t.Fatalf("everyone on the page: %d, the gateway got %d more", res.Status, g.count()-before)
		}
		if n := a.count(`SELECT count(*) FROM contacts WHERE channel = 'sms' AND note = 'Påminnelse om träffen' AND participant_id = $1`, one); n != 1 {
			t.Errorf("%d contacts for the page's one with a mobile", n)
		}
	})

	t.Run("AmbiguousReplyIsUnmatched", func(t *testing.T) {
		g.reply("+46701234567", "Vem är det?")
		if n := a.count(`SELECT count(*) FROM sms_messages WHERE direction = 'incoming' AND participant_id IS NULL AND body = 'Vem är det?'`); n != 1 {
			t.Fatalf("%d unmatched", n)
		}
		if n := a.count(`SELECT count(*) FROM contacts WHERE direction = 'incoming'`); n != 0 {
			t.Errorf("logged on someone anyway")
		}
		if page := c.get(fmt.Sprintf("/k/1273/deltagare/%d", one)); !strings.Contains(page.Body, "1 okopplade sms") {
			t.Error("the person page does not count the unmatched SMS")
		}
		if page := c.get("/k/1273/sms/okopplade"); page.Status != http.StatusOK || !strings.Contains(page.Body, "Vem är det?") {
			t.Errorf("the unmatched list: %d", page.Status)
		}
	})

	t.Run("StoppFromASharedNumber", func(t *testing.T) {
		// STOPP from a number two people share turns SMS off for both.
		g.reply("+46701234567", "STOPP")
		if n := a.count(`SELECT count(*) FROM participants WHERE id IN ($1, $2) AND no_sms`, one, tre); n != 2 {
			t.Errorf("%d of the two at the shared number opted out", n)
		}
	})

	t.Run("NoReplyCrossesToAnotherMunicipality", func(t *testing.T) {
		// Hörby writes to the same number: a reply from it now belongs to
		// no one municipality, so it goes into neither register, and a
		// STOPP changes nothing in either.
		h := a.client()
		h.signIn("samordnare@horby.demo")
		p := newParticipant("080304-0021", "Hugo", "Holm")
		p.Set("mobile", "070-123 45 67")
		hugo := h.registerIn("1266", p)
		if res := h.post(fmt.Sprintf("/k/1266/deltagare/%d/sms", hugo), url.Values{"text": {"Hej Hugo!"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("Hörby's send: %d", res.Status)
		}
		g.reply("+46701234567", "Vem av er skrev?")
		g.reply("+46701234567", "STOPP")
		if n := a.count(`SELECT count(*) FROM sms_messages WHERE direction = 'incoming' AND body = 'Vem av er skrev?'`); n != 0 {
			t.Errorf("a reply to two municipalities was kept %d times", n)
		}
		if n := a.count(`SELECT count(*) FROM sms_messages WHERE direction = 'incoming' AND body = 'STOPP'`); n != 1 { // Osby's, above
			t.Errorf("a STOPP to two municipalities was kept: %d in all", n)
		}
		if n := a.count(`SELECT count(*) FROM contacts WHERE direction = 'incoming' AND note IN ('Vem av er skrev?', 'STOPP')`); n != 0 {
			t.Errorf("a reply to two municipalities was logged on someone")
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE id = $1 AND no_sms`, hugo); n != 0 {
			t.Error("a STOPP that may be Osby's turned SMS off in Hörby")
		}
	})
}

func TestSMSGatewayDown(t *testing.T) {
	t.Parallel()
	a, g := newSMSApp(t, 300*time.Millisecond)
	c, id, base := alva(a)
	for _, tc := range []struct {
		name  string
		delay time.Duration
		fail  bool
	}{{"Timeout", time.Second, false}, {"Error", 0, true}} {
		t.Run(tc.name, func(t *testing.T) {
			g.delay, g.fail = tc.delay, tc.fail
			res := c.post(base+"/sms", url.Values{"text": {"Hej " + tc.name}})
			if res.Status != http.StatusSeeOther {
				t.Fatalf("send: %d", res.Status)
			}
			page := c.get(base)
			if !strings.Contains(page.Body, "Sms:et kunde inte skickas") || !strings.Contains(page.Body, "Ej skickat") {
				t.Errorf("the page does not say the SMS was not sent")
			}
			if n := a.count(`SELECT count(*) FROM sms_messages s JOIN contacts c ON c.tenant_id = s.tenant_id AND c.id = s.contact_id
				WHERE s.participant_id = $1 AND s.status = 'not_sent' AND c.note = $2`, id, "Hej "+tc.name); n != 1 {
				t.Errorf("%d contacts marked ej skickat", n)
			}
		})
	}
	if n := a.count(`SELECT count(*) FROM sms_messages WHERE status = 'sending'`); n != 0 {
		t.Errorf("%d messages left half-written", n)
	}
}

func TestSMSNotConfigured(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c, id, base := alva(a)
	if page := c.get(base); !strings.Contains(page.Body, "Sms är inte inställt") || strings.Contains(page.Body, "Skicka sms") {
		t.Error("the page offers SMS without a gateway")
	}
	if res := c.post(base+"/sms", url.Values{"text": {"Hej"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Sms är inte inställt") {
		t.Errorf("send: %d", res.Status)
	}
	if res := c.post("/sms/46elks/"+smsToken+"/svar", url.Values{"id": {"x"}, "from": {"+46701234567"}, "message": {"STOPP"}}); res.Status != http.StatusNotFound {
		t.Errorf("callback without SMS: %d", res.Status)
	}
	if n := a.count(`SELECT count(*) FROM contacts WHERE channel = 'sms'`); n != 0 {
		t.Errorf("%d contacts", n)
	}
	// "Vill inte ha sms" is on the edit form.
	form := newParticipant("080301-0024", "Alva", "Andersson")
	form.Set("no_sms", "yes")
	if res := c.post(base, form); res.Status != http.StatusSeeOther {
		t.Fatalf("update: %d", res.Status)
	}
	if n := a.count(`SELECT count(*) FROM participants WHERE id = $1 AND no_sms`, id); n != 1 {
		t.Error("the edit form did not turn SMS off")
	}
	if page := c.get(base + "/andra"); !strings.Contains(page.Body, `name="no_sms" value="yes" checked`) {
		t.Error("the edit form does not show it")
	}
}

// excerpt is a short piece of body around what, for failure messages.
func excerpt(body, what string) string {
	i := strings.Index(body, what)
	if i < 0 {
		return "(" + what + " not found)"
	}
	return body[i:min(len(body), i+200)]
}

// TestSMSSenderPerMunicipality: an administrator sets the municipality's own
// SMS sender; sends use it, another municipality keeps the installation's,
// and a sender 46elks would not take is refused with 422, nothing written.
func TestSMSSenderPerMunicipality(t *testing.T) {
	t.Parallel()
	a, g := newSMSApp(t, 5*time.Second)
	c, _, base := alva(a)
	admin := a.client()
	admin.signIn("admin@osby.demo")
	settings := func(from string) url.Values {
		return url.Values{"no_contact_days": {"30"}, "accepts_move_notices": {"1"}, "sms_from": {from}}
	}
	saved := func() string {
		var s string
		_ = a.db.Owner.QueryRow(context.Background(), `SELECT coalesce((SELECT sms_from FROM tenant_settings WHERE tenant_id = $1), '')`, a.orgID("1273")).Scan(&s)
		return s
	}

	t.Run("ErrBadSender", func(t *testing.T) {
		for _, from := range []string{"Hörby", "Osby Kommun", "OK", "OsbyKommun12", "1Osby", "Osby-UMO", "+4670", "+46 70 123 45 67", "+4670123456789012"} {
			res := admin.post("/k/1273/installningar", settings(from))
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="f-sms_from-error"`) ||
				!strings.Contains(res.Body, "3–11 tecken") || !strings.Contains(res.Body, `value="`+from+`"`) {
				t.Errorf("%q: %d", from, res.Status)
			}
		}
		if saved() != "" || a.count(`SELECT count(*) FROM audit_events WHERE action = 'settings.update' AND detail ? 'sms_from'`) != 0 {
			t.Error("a refused sender was written")
		}
	})
	t.Run("CoordinatorCannotSet", func(t *testing.T) {
		if s := c.post("/k/1273/installningar", settings("OsbyUMO")).Status; s != http.StatusForbidden && s != http.StatusNotFound {
			t.Errorf("a coordinator sets the sender: %d", s)
		}
	})
	t.Run("SendsUseIt", func(t *testing.T) {
		if res := admin.post("/k/1273/installningar", settings("OsbyUMO")); res.Status != http.StatusSeeOther {
			t.Fatalf("save: %d", res.Status)
		}
		if saved() != "OsbyUMO" || a.count(`SELECT count(*) FROM audit_events WHERE action = 'settings.update' AND detail->>'sms_from' = 'OsbyUMO'`) != 1 {
			t.Fatal("the sender is saved, audited")
		}
		if page := admin.get("/k/1273/installningar").Body; !strings.Contains(page, `value="OsbyUMO"`) || !strings.Contains(page, "Tomt: OsbyKommun") {
			t.Error("the settings page shows the sender and the installation's")
		}
		if res := c.post(base+"/sms", url.Values{"text": {"Hej!"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("send: %d", res.Status)
		}
		// Hörby has none of its own: the installation's.
		horby := a.client()
		horby.signIn("samordnare@horby.demo")
		bo := horby.registerIn("1266", newParticipant("080302-0023", "Bo", "Berg"))
		if res := horby.post(fmt.Sprintf("/k/1266/deltagare/%d/sms", bo), url.Values{"text": {"Hej Bo!"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("send from Hörby: %d", res.Status)
		}
		// A number, to which replies can come.
		if res := admin.post("/k/1273/installningar", settings("+46766861004")); res.Status != http.StatusSeeOther {
			t.Fatalf("save a number: %d", res.Status)
		}
		if res := c.post(base+"/sms", url.Values{"text": {"Svara gärna."}}); res.Status != http.StatusSeeOther {
			t.Fatalf("send: %d", res.Status)
		}
		g.mu.Lock()
		defer g.mu.Unlock()
		var got []string
		for _, f := range g.sent {
			got = append(got, f.Get("from"))
		}
		if strings.Join(got, ",") != "OsbyUMO,OsbyKommun,+46766861004" {
			t.Errorf("the gateway got senders %v", got)
		}
	})
	t.Run("RuleAgreesWithDatabase", func(t *testing.T) {
		for _, from := range []string{"Hörby", "Osby Kommun", "OK", "OsbyKommun12", "1Osby", "+4670", "Osb", "OsbyKommun1", "+4670123", "+467012345678901", "a1B2c3"} {
			_, err := a.db.Owner.Exec(context.Background(), `UPDATE tenant_settings SET sms_from = $2 WHERE tenant_id = $1`, a.orgID("1273"), from)
			if dbOK := err == nil; dbOK != sms.ValidSender(from) {
				t.Errorf("%q: the database says %v (%v), sms.ValidSender %v", from, dbOK, err, sms.ValidSender(from))
			}
		}
	})
	t.Run("EmptyIsTheInstallations", func(t *testing.T) {
		if res := admin.post("/k/1273/installningar", settings("")); res.Status != http.StatusSeeOther || saved() != "" {
			t.Fatalf("clear: %d", res.Status)
		}
	})
}
