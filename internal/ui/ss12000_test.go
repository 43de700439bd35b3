package ui_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/secretbox"
	"github.com/kaa-plattform/kaa/internal/ss12000"
	"github.com/kaa-plattform/kaa/internal/ss12000/ss12000test"
)

// osbySchool is Osby's school data: Ada left a national programme, Bo
// finished compulsory school and never started upper secondary; Cia
// graduated, and Dan lives in Kristianstad. Only Ada and Bo are candidates.
func osbySchool() []ss12000.Person {
	en := ss12000test.Enrolment
	year := time.Now().Year()
	return []ss12000.Person{
		ss12000test.Pupil("a", ss12000test.Pnr("20080315", "238"), "Ada", "Ek", 1273,
			en("GR", "Osby skola", 9, "2015-08-17", "2024-06-14", "", ""),
			en("GY", "Osbygymnasiet", 2, "2024-08-19", time.Now().AddDate(0, -2, 0).Format(time.DateOnly), "NA", "Naturvetenskapsprogrammet")),
		ss12000test.Pupil("b", ss12000test.Pnr("20091010", "238"), "Bo", "Berg", 1273,
			en("GR", "Osby skola", 9, "2016-08-17", time.Now().AddDate(0, -1, 0).Format(time.DateOnly), "", "")),
		ss12000test.Pupil("c", ss12000test.Pnr(strconv.Itoa(year-19)+"0101", "238"), "Cia", "Ask", 1273,
			en("GY", "Osbygymnasiet", 3, strconv.Itoa(year-3)+"-08-19", strconv.Itoa(year-1)+"-06-12", "SA", "Samhällsvetenskapsprogrammet")),
		ss12000test.Pupil("d", ss12000test.Pnr("20080315", "246"), "Dan", "Al", 1290,
			en("GY", "Osbygymnasiet", 2, "2024-08-19", time.Now().AddDate(0, -2, 0).Format(time.DateOnly), "NA", "")),
	}
}

// connect has Osby's administrator connect school system s.
func connect(t *testing.T, a *app, s *ss12000test.Server) int64 {
	t.Helper()
	admin := a.client()
	admin.signIn("admin@osby.demo")
	res := admin.post("/k/1273/skolsystem", url.Values{"name": {"Elevregistret"}, "base_url": {s.BaseURL()}, "token_url": {s.TokenURL()},
		"client_id": {s.ClientID}, "client_secret": {s.ClientSecret}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("connect: %d", res.Status)
	}
	return int64(a.count(`SELECT max(id)::int FROM school_systems`))
}

func TestSchoolSystemAdmin(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	a := newAppWithLog(t, logs)
	s := ss12000test.New(t)
	admin := a.client()
	admin.signIn("admin@osby.demo")

	t.Run("BadInputWritesNothing", func(t *testing.T) {
		cases := []struct {
			form url.Values
			want string
		}{
			{url.Values{"name": {""}, "base_url": {s.BaseURL()}, "token_url": {s.TokenURL()}, "client_id": {"x"}, "client_secret": {"y"}}, "Skriv ett namn"},
			{url.Values{"name": {"A"}, "base_url": {"http://skolsystem.example.se/v2.0"}, "token_url": {s.TokenURL()}, "client_id": {"x"}, "client_secret": {"y"}}, "måste börja med https://"},
			{url.Values{"name": {"A"}, "base_url": {"inte en adress"}, "token_url": {s.TokenURL()}, "client_id": {"x"}, "client_secret": {"y"}}, "Adressen"},
			{url.Values{"name": {"A"}, "base_url": {s.BaseURL()}, "token_url": {s.TokenURL()}, "client_id": {"x"}, "client_secret": {""}}, "Skriv klienthemligheten"},
			{url.Values{"name": {"A"}, "base_url": {"https://user:pw@skolsystem.example.se/v2.0"}, "token_url": {s.TokenURL()}, "client_id": {"x"}, "client_secret": {"y"}}, "inloggningsuppgifter"},
		}
		for _, c := range cases {
			res := admin.post("/k/1273/skolsystem", c.form)
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, c.want) {
				t.Errorf("%v: %d, want 422 with %q", c.form, res.Status, c.want)
			}
		}
		if n := a.count(`SELECT count(*) FROM school_systems`); n != 0 {
			t.Errorf("bad input wrote %d school systems", n)
		}
	})

	id := connect(t, a, s)
	t.Run("SecretIsSealedAndNeverShown", func(t *testing.T) {
		if n := a.count(`SELECT count(*) FROM school_systems WHERE client_secret LIKE 'kaa1:%' AND strpos(client_secret, $1) = 0`, s.ClientSecret); n != 1 {
			t.Error("the client secret is not stored sealed")
		}
		for _, path := range []string{"/k/1273/skolsystem", "/k/1273/skolsystem/" + strconv.FormatInt(id, 10)} {
			if body := admin.get(path).Body; strings.Contains(body, s.ClientSecret) || !strings.Contains(body, "Elevregistret") {
				t.Errorf("%s shows the secret or not the system", path)
			}
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'school_system.create'`); n != 1 {
			t.Error("connecting is not audited")
		}
	})
	t.Run("EditKeepsSecret", func(t *testing.T) {
		before := a.count(`SELECT length(client_secret) FROM school_systems`)
		sealed := func() string {
			var v string
			a.db.Owner.QueryRow(t.Context(), `SELECT client_secret FROM school_systems`).Scan(&v)
			return v
		}
		old := sealed()
		res := admin.post("/k/1273/skolsystem/"+strconv.FormatInt(id, 10), url.Values{"name": {"Elevregistret"}, "base_url": {s.BaseURL()}, "token_url": {s.TokenURL()},
			"client_id": {s.ClientID}, "client_secret": {""}, "scope": {"ss12000.read"}})
		if res.Status != http.StatusSeeOther || sealed() != old || before == 0 {
			t.Errorf("edit without a secret: %d, secret kept %v", res.Status, sealed() == old)
		}
		// The kept secret would be sent to wherever the addresses point:
		// moving either to another host needs the secret again.
		for _, moved := range []url.Values{
			{"name": {"Elevregistret"}, "base_url": {"https://annan.example/v2.0"}, "token_url": {s.TokenURL()}, "client_id": {s.ClientID}},
			{"name": {"Elevregistret"}, "base_url": {s.BaseURL()}, "token_url": {"https://annan.example/token"}, "client_id": {s.ClientID}},
		} {
			res = admin.post("/k/1273/skolsystem/"+strconv.FormatInt(id, 10), moved)
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Skriv klienthemligheten igen") ||
				a.count(`SELECT count(*) FROM school_systems WHERE base_url LIKE '%annan.example%' OR token_url LIKE '%annan.example%'`) != 0 {
				t.Errorf("an address moved to another host without the secret: %d", res.Status)
			}
		}
		res = admin.post("/k/1273/skolsystem/"+strconv.FormatInt(id, 10), url.Values{"name": {""}, "base_url": {"ftp://x"}, "token_url": {s.TokenURL()}, "client_id": {s.ClientID}})
		if res.Status != http.StatusUnprocessableEntity || a.count(`SELECT count(*) FROM school_systems WHERE scope = 'ss12000.read' AND name = 'Elevregistret'`) != 1 {
			t.Errorf("bad edit: %d, or it wrote", res.Status)
		}
	})
	t.Run("AnotherMunicipalitySeesNothing", func(t *testing.T) {
		other := a.client()
		other.signIn("admin@horby.demo")
		if res := other.get("/k/1266/skolsystem/" + strconv.FormatInt(id, 10)); res.Status != http.StatusNotFound {
			t.Errorf("Hörby's admin reads Osby's school system: %d", res.Status)
		}
	})
	if strings.Contains(logs.String(), s.ClientSecret) {
		t.Error("the secret is in the log")
	}
}

func TestSchoolSystemSync(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	keys, _ := secretbox.ParseKeys(secretbox.NewKey("test"))
	a := newAppWithLog(t, logs, func(c *config.Config) {
		c.SchoolSystemTimeout = 500 * time.Millisecond
		c.TOTPKeys = keys
		c.SchoolSystemLocalNetwork = true
	})
	s := ss12000test.New(t, osbySchool()...)
	id := connect(t, a, s)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	fetch := "/k/1273/skolsystem/" + strconv.FormatInt(id, 10) + "/hamta"

	t.Run("ScheduledSyncCountsAndRegistersNobody", func(t *testing.T) {
		// Twice, as a restarted server or a second instance would: a
		// system read today is not read again.
		for range 2 {
			lim := ss12000.DefaultLimits
			lim.LocalNetwork = true // the test's school system is on 127.0.0.1
			err := ss12000.Syncer{Pool: a.db.App, Keys: keys, Limits: lim}.
				SyncEverywhere(t.Context(), participant.Today(), slog.New(slog.NewJSONHandler(logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
		}
		if a.count(`SELECT count(*) FROM imports`)+a.count(`SELECT count(*) FROM participants`) != 0 {
			t.Error("the scheduled sync wrote an import or a participant")
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'school_system.sync' AND user_id IS NULL AND detail->>'scheduled' = 'true'`); n != 1 {
			t.Errorf("%d scheduled syncs audited as the system's, want 1 (read once a day)", n)
		}
		if body := c.get("/k/1273/att-gora").Body; !strings.Contains(body, "2 ungdomar som kan höra till KAA, varav 2 finns inte i registret") {
			t.Error("Att göra does not say what the scheduled sync found")
		}
	})

	t.Run("DropoutIsPreviewedThenRegistered", func(t *testing.T) {
		res := c.post(fetch, nil)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/k/1273/deltagare/import/") {
			t.Fatalf("fetch: %d %s", res.Status, res.Location)
		}
		page := c.get(res.Location).Body
		for _, want := range []string{"Ada", "Bo", "2 ungdomar att granska"} {
			if !strings.Contains(page, want) {
				t.Errorf("the preview lacks %q", want)
			}
		}
		for _, not := range []string{"Cia", "Dan"} {
			if strings.Contains(page, not) {
				t.Errorf("the preview shows %s, who is not in the target group", not)
			}
		}
		if m := countsRe.FindStringSubmatch(page); m == nil || strings.Join(m[1:], " ") != "2 0 0 0" {
			t.Errorf("preview counts %v, want 2 new", m)
		}
		if n := a.count(`SELECT count(*) FROM participants`); n != 0 {
			t.Fatalf("the fetch registered %d people before confirmation", n)
		}
		if res := c.post(res.Location+"/bekrafta", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("confirm: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM participants p JOIN enrolments e ON e.participant_id = p.id AND e.kind = 'kaa'
			WHERE p.first_name IN ('Ada', 'Bo')`); n != 2 {
			t.Errorf("%d of Ada and Bo registered, want 2", n)
		}
		if n := a.count(`SELECT count(*) FROM enrolments WHERE registration_reason = 'never_started'`); n != 1 {
			t.Errorf("Bo's reason: %d never_started", n)
		}
	})
	t.Run("SecondSyncChangesNothing", func(t *testing.T) {
		before := a.count(`SELECT count(*) FROM participants WHERE updated_at > created_at`)
		res := c.post(fetch, nil)
		page := c.get(res.Location).Body
		if m := countsRe.FindStringSubmatch(page); m == nil || strings.Join(m[1:], " ") != "0 0 2 0" {
			t.Errorf("second preview counts %v, want 2 unchanged", m)
		}
		c.post(res.Location+"/bekrafta", nil)
		if n := a.count(`SELECT count(*) FROM participants`); n != 2 {
			t.Errorf("%d participants after the second sync", n)
		}
		if after := a.count(`SELECT count(*) FROM participants WHERE updated_at > created_at`); after != before {
			t.Error("the second sync updated records")
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'school_system.sync' AND detail->>'ok' = 'true' AND detail->>'found' = '2' AND detail ? 'import'`); n != 2 {
			t.Errorf("%d audited syncs, want 2", n)
		}
	})
	t.Run("AttGoraShowsTheLastFetch", func(t *testing.T) {
		body := c.get("/k/1273/att-gora").Body
		if !strings.Contains(body, "KAA-listan från skolsystemen") || !strings.Contains(body, "2 ungdomar som kan höra till KAA, varav 0 finns inte i registret") {
			t.Error("Att göra does not show the school system's last fetch")
		}
	})

	t.Run("GoneFromTheSchoolData", func(t *testing.T) {
		// An uploaded file in between is another source: the school
		// system's list is compared with its own previous list.
		loc, _ := c.preview("annan-lista.csv", []byte("Personnummer;Förnamn;Efternamn\n"+ss12000test.Pnr("20080315", "238")+";Ada;Ek\n"))
		c.post(loc+"/bekrafta", nil)
		all := osbySchool()
		s.SetPersons(all[0], all[2], all[3]) // Bo is no longer in the school's data
		res := c.post(fetch, nil)
		page := c.get(res.Location).Body
		for _, want := range []string{"Inte med på den här listan (1)", "Berg, Bo", "kandidat för avregistrering"} {
			if !strings.Contains(page, want) {
				t.Errorf("the preview does not show who is gone from the school's data: lacks %q", want)
			}
		}
		c.post(res.Location+"/bekrafta", nil)
		if n := a.count(`SELECT count(*) FROM enrolments e JOIN participants p ON p.id = e.participant_id
			WHERE p.first_name = 'Bo' AND e.kind = 'kaa' AND e.ends_on IS NULL`); n != 1 {
			t.Error("Bo, gone from the school's data, was avregistrerad by the sync")
		}
		s.SetPersons(all...)
	})

	failures := []struct {
		name  string
		setup func()
		want  string
	}{
		{"WrongSecret", func() { s.ChangeSecret("annan") }, "godtog inte klient-id eller klienthemlighet"},
		{"Answers500", func() { s.SetMode(ss12000test.Fail500) }, "HTTP 500, felkod INTERNAL"},
		{"TokenRefused", func() { s.SetMode(ss12000test.BadToken) }, "HTTP 403, felkod NOT_AUTHORISED"},
		{"Garbage", func() { s.SetMode(ss12000test.Garbage) }, "gick inte att läsa"},
		{"TimesOut", func() { s.SetMode(ss12000test.Slow) }, "svarade inte i tid"},
	}
	secret := s.ClientSecret
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			imports, people := a.count(`SELECT count(*) FROM imports`), a.count(`SELECT count(*) FROM participants`)
			f.setup()
			defer func() { s.ChangeSecret(""); s.SetMode(ss12000test.OK) }()
			res := c.post(fetch, nil)
			if res.Status != http.StatusBadGateway || !strings.Contains(res.Body, f.want) || !strings.Contains(res.Body, "Hämtningen misslyckades") {
				t.Errorf("status %d; want 502 with %q", res.Status, f.want)
			}
			if a.count(`SELECT count(*) FROM imports`) != imports || a.count(`SELECT count(*) FROM participants`) != people {
				t.Error("a failed fetch changed something")
			}
			if n := a.count(`SELECT count(*) FROM school_systems WHERE last_ok = false AND strpos(last_message, $1) > 0`, f.want); n != 1 {
				t.Error("the failure is not recorded on the school system")
			}
		})
	}
	t.Run("Down", func(t *testing.T) {
		imports := a.count(`SELECT count(*) FROM imports`)
		s.Close()
		res := c.post(fetch, nil)
		if res.Status != http.StatusBadGateway || !strings.Contains(res.Body, "gick inte att nå") || a.count(`SELECT count(*) FROM imports`) != imports {
			t.Errorf("down: %d", res.Status)
		}
	})
	if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'school_system.sync' AND detail->>'ok' = 'false'`); n != 6 {
		t.Errorf("%d failed syncs audited, want 6", n)
	}
	if strings.Contains(logs.String(), secret) || strings.Contains(logs.String(), "Ada") {
		t.Error("the secret or a name is in the log")
	}
}

// Newly arrived pupils may have no personnummer in the school system: each
// is a row of the preview to look at, not folded into one.
func TestSchoolSystemPupilsWithoutPersonnummer(t *testing.T) {
	t.Parallel()
	keys, _ := secretbox.ParseKeys(secretbox.NewKey("test"))
	a := newAppWithLog(t, &syncBuffer{}, func(c *config.Config) { c.TOTPKeys = keys; c.SchoolSystemLocalNetwork = true })
	ended := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	var pupils []ss12000.Person
	for i, name := range []string{"Ali", "Sara", "Yonas"} {
		p := ss12000test.Pupil(fmt.Sprint("n", i), "", name, "Nyanländ", 1273,
			ss12000test.Enrolment("GY", "Osbygymnasiet", 1, "2025-08-18", ended, "IMSPR", "Språkintroduktion"))
		p.CivicNo, p.BirthDate = nil, "2009-0"+fmt.Sprint(i+1)+"-15"
		pupils = append(pupils, p)
	}
	s := ss12000test.New(t, pupils...)
	id := connect(t, a, s)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	res := c.post("/k/1273/skolsystem/"+strconv.FormatInt(id, 10)+"/hamta", nil)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("fetch: %d %s", res.Status, res.Body)
	}
	page := c.get(res.Location).Body
	for _, name := range []string{"Ali", "Sara", "Yonas"} {
		if !strings.Contains(page, name) {
			t.Errorf("the preview lacks %s, who has no personnummer in the school system", name)
		}
	}
}
