package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/kaa-plattform/kaa/internal/auditkey"
	"github.com/kaa-plattform/kaa/internal/config"
	"github.com/kaa-plattform/kaa/internal/dashboard"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/devenv"
	"github.com/kaa-plattform/kaa/internal/export"
	"github.com/kaa-plattform/kaa/internal/org"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/scb"
	"github.com/kaa-plattform/kaa/internal/seed"
	"github.com/kaa-plattform/kaa/internal/seed/national"
	"github.com/kaa-plattform/kaa/internal/server"
	"github.com/kaa-plattform/kaa/internal/ui"
)

// The accounts and places the benchmark uses; `kaa-bench seed national` makes them.
const (
	benchTenant      = "9000" // the largest municipality
	benchCoordinator = "samordnare@9000.national"
	benchLeader      = "projektledare@nationellt.national"
	benchProject     = "nationellt-1" // the largest project
	importTenant     = "9010"         // where the imported lists go
)

// benchCmd is `kaa-bench bench`: it generates the national dataset (once, kept in
// --dir), serves the real application on a local port, drives it with vegeta
// at 1, 8 and 32 concurrent users per scenario, runs each read scenario's own
// store functions without HTTP for comparison, and writes the results.
func benchCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stdout)
	scale := fs.Float64("scale", 1, "size of the generated data: 1 is the national size")
	duration := fs.Duration("duration", 5*time.Second, "how long each scenario runs at each concurrency")
	out := fs.String("out", "docs/benchmarks.md", "where to write the results")
	dir := fs.String("dir", ".bench", "where the benchmark's PostgreSQL keeps its data")
	users := fs.String("users", "1,8,32", "the numbers of concurrent users, comma-separated")
	only := fs.String("only", "", "run only the scenarios whose names contain one of these comma-separated words (no export memory, imports or small register)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	key, err := devenv.AuditKey(cfg.Audit.Key, *dir)
	if err != nil {
		return err
	}
	b := &bench{stdout: stdout, duration: *duration, scale: *scale, key: key}
	for _, u := range strings.Split(*users, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(u))
		if err != nil || n < 1 {
			return fmt.Errorf("bench: --users %q: want numbers like 1,8,32", *users)
		}
		b.levels = append(b.levels, n)
	}
	if *only != "" {
		b.only = strings.Split(*only, ",")
	}
	// One PostgreSQL for both databases: the one given, or a private one.
	adminURL := func(name string) string { return cfg.DatabaseURL }
	if cfg.DatabaseURL == "" {
		srv, err := devenv.StartPostgres(ctx, *dir, stdout)
		if err != nil {
			return err
		}
		defer srv.Stop()
		adminURL = func(name string) string {
			if err := devenv.EnsureDatabase(ctx, srv.AdminURL("postgres"), name); err != nil {
				fmt.Fprintln(stdout, err)
			}
			return srv.AdminURL(name)
		}
	}
	large, stop, err := b.database(ctx, adminURL("kaa_bench"), *dir, *scale)
	if err != nil {
		return err
	}
	defer stop()
	b.large = large
	if err := b.run(ctx, cfg); err != nil {
		return err
	}
	// The participant page again on a register of 1,000 people: its p95
	// should barely differ from the one at national size.
	if cfg.DatabaseURL != "" || b.only != nil {
		// The small register needs a database of its own.
		return writeReport(*out, b.report())
	}
	small, stopSmall, err := b.database(ctx, adminURL("kaa_bench_small"), *dir, 1000.0/300000)
	if err != nil {
		return err
	}
	defer stopSmall()
	if b.smallPage, err = b.participantPageOn(ctx, cfg, small); err != nil {
		return err
	}
	return writeReport(*out, b.report())
}

type bench struct {
	stdout   io.Writer
	duration time.Duration
	levels   []int
	scale    float64
	only     []string // scenario name words; nil for all
	large    benchDB
	key      auditkey.Key // the audit key both databases' connections carry

	machine   []string
	results   []scenarioResult
	exportRSS []rssPoint
	importRun []time.Duration
	importErr string
	importLen int
	smallPage *vegeta.Metrics
	largePage *vegeta.Metrics
}

type benchDB struct {
	owner, app   *pgxpool.Pool
	people       int
	contacts     int
	seedTime     time.Duration
	size         string
	appURL       string
	tenantID     int
	coordinator  int
	leader       int
	project      org.Project
	members      []int
	long         []int64  // participants with the longest timelines
	coordinators []string // the e-mail addresses of every municipality's coordinator
}

type scenarioResult struct {
	name    string
	levels  []int
	app     []*vegeta.Metrics
	sql     []*vegeta.Metrics // nil for writes
	comment string
}

type rssPoint struct {
	project   string
	rows      int
	peakDelta int64
}

// database migrates the database at ownerURL and fills it with the national
// dataset at scale unless it is there already.
func (b *bench) database(ctx context.Context, ownerURL, dir string, scale float64) (benchDB, func(), error) {
	var d benchDB
	stop := func() {}
	if err := db.Migrate(ownerURL); err != nil {
		return d, stop, fmt.Errorf("bench: migrate: %w", err)
	}
	var err error
	if d.owner, err = db.OpenKeyed(ctx, ownerURL, b.key); err != nil {
		return d, stop, err
	}
	var seeded bool
	d.owner.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM orgs WHERE key = $1)`, benchTenant).Scan(&seeded)
	if !seeded {
		fmt.Fprintf(b.stdout, "generating the national dataset at scale %g ...\n", scale)
		began := time.Now()
		if _, err := national.Load(ctx, d.owner, scale, time.Now(), b.stdout); err != nil {
			return d, stop, fmt.Errorf("bench: seed: %w", err)
		}
		d.seedTime = time.Since(began)
	}
	// The benchmark signs in with passwords: a dataset generated before
	// two-factor sign-in existed has its organisations require it now.
	if _, err := d.owner.Exec(ctx, `UPDATE orgs SET require_two_factor = false WHERE require_two_factor`); err != nil {
		return d, stop, fmt.Errorf("bench: %w", err)
	}
	if d.appURL, err = devenv.AppURL(ctx, ownerURL, dir); err != nil {
		return d, stop, err
	}
	if d.app, err = db.OpenKeyed(ctx, d.appURL, b.key); err != nil {
		return d, stop, err
	}
	q := d.owner
	steps := []struct {
		sql  string
		args []any
		dest []any
	}{
		{`SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM contacts), pg_size_pretty(pg_database_size(current_database()))`, nil, []any{&d.people, &d.contacts, &d.size}},
		{`SELECT id FROM orgs WHERE key = $1`, []any{benchTenant}, []any{&d.tenantID}},
		{`SELECT id FROM users WHERE email = $1`, []any{benchCoordinator}, []any{&d.coordinator}},
		{`SELECT id FROM users WHERE email = $1`, []any{benchLeader}, []any{&d.leader}},
	}
	for _, s := range steps {
		if err := q.QueryRow(ctx, s.sql, s.args...).Scan(s.dest...); err != nil {
			return d, stop, fmt.Errorf("bench: %s: %w", s.sql, err)
		}
	}
	if d.project, err = org.ProjectByKey(ctx, q, benchProject); err != nil {
		return d, stop, err
	}
	members, err := org.Members(ctx, q, d.project.ID)
	if err != nil {
		return d, stop, err
	}
	for _, m := range members {
		d.members = append(d.members, m.ID)
	}
	rows, _ := q.Query(ctx, `SELECT email FROM users WHERE email LIKE 'samordnare@%' ORDER BY id`)
	if d.coordinators, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil || len(d.coordinators) == 0 {
		return d, stop, fmt.Errorf("bench: the coordinators: %v (%d)", err, len(d.coordinators))
	}
	rows, _ = q.Query(ctx, `SELECT participant_id FROM contacts WHERE tenant_id = $1 GROUP BY 1 ORDER BY count(*) DESC LIMIT 100`, d.tenantID)
	if d.long, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil || len(d.long) == 0 {
		return d, stop, fmt.Errorf("bench: the longest timelines: %v (%d)", err, len(d.long))
	}
	return d, func() { d.app.Close(); d.owner.Close() }, nil
}

// serveBench serves the real application on a local port, as `kaa serve`
// builds it.
func serveBench(cfg config.Config, pool *pgxpool.Pool) (string, func(), error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := ui.New(pool, cfg, log)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := server.New(h.Router(), log)
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close(); h.Close() }, nil
}

// signIn returns the session cookie of email once inside place: entering a
// municipality or project renews the session's token, as after sign-in.
func signIn(base, email, place string) (string, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(base+"/logga-in", url.Values{"email": {email}, "password": {seed.DemoPassword}})
	if err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || strings.Contains(res.Header.Get("Location"), "losenord") {
		return "", fmt.Errorf("bench: sign in as %s: %s to %q", email, res.Status, res.Header.Get("Location"))
	}
	cookies := map[string]string{}
	keep := func(res *http.Response) string {
		for _, c := range res.Cookies() {
			cookies[c.Name] = c.Value
		}
		var parts []string
		for name, value := range cookies {
			parts = append(parts, name+"="+value)
		}
		return strings.Join(parts, "; ")
	}
	cookie := keep(res)
	req, _ := http.NewRequest("GET", base+place, nil)
	req.Header.Set("Cookie", cookie)
	if res, err = client.Do(req); err != nil {
		return "", err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("bench: %s entering %s: %s", email, place, res.Status)
	}
	return keep(res), nil
}

// rotating is a targeter that hands out the targets in turn.
func rotating(targets []vegeta.Target) vegeta.Targeter {
	var n atomic.Uint64
	return func(t *vegeta.Target) error {
		*t = targets[(n.Add(1)-1)%uint64(len(targets))]
		return nil
	}
}

func (b *bench) run(ctx context.Context, cfg config.Config) error {
	d := b.large
	b.describeMachine(ctx)
	base, stop, err := serveBench(cfg, d.app)
	if err != nil {
		return err
	}
	defer stop()
	coordinator, err := signIn(base, benchCoordinator, "/k/"+benchTenant+"/")
	if err != nil {
		return err
	}
	leader, err := signIn(base, benchLeader, "/p/"+benchProject+"/")
	if err != nil {
		return err
	}
	hdr := func(cookie string, extra ...string) http.Header {
		h := http.Header{"Cookie": {cookie}}
		for i := 0; i+1 < len(extra); i += 2 {
			h.Set(extra[i], extra[i+1])
		}
		return h
	}
	k := "/k/" + benchTenant
	const noteWord = "praktiken"
	today := participant.Today()
	searches := []string{"Ander", "Joh", "Karl", "Nils", "Eri", "Lars", "Ols", "Pers", "Sve", "Gus", "2008", "200705", "Alva", "Noah"}
	var searchTargets, pageTargets, contactTargets, signInTargets []vegeta.Target
	for _, email := range d.coordinators {
		signInTargets = append(signInTargets, vegeta.Target{Method: "POST", URL: base + "/logga-in",
			Body: []byte(url.Values{"email": {email}, "password": {seed.DemoPassword}}.Encode()), Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}})
	}
	for _, s := range searches {
		searchTargets = append(searchTargets, vegeta.Target{Method: "POST", URL: base + k + "/deltagare/sok",
			Body: []byte(url.Values{"q": {s}}.Encode()), Header: hdr(coordinator, "Content-Type", "application/x-www-form-urlencoded", "HX-Request", "true")})
	}
	for _, id := range d.long {
		pageTargets = append(pageTargets, vegeta.Target{Method: "GET", URL: fmt.Sprintf("%s%s/deltagare/%d", base, k, id), Header: hdr(coordinator)})
		contactTargets = append(contactTargets, vegeta.Target{Method: "POST", URL: fmt.Sprintf("%s%s/deltagare/%d/kontakter", base, k, id),
			Body:   []byte(url.Values{"channel": {"sms"}, "direction": {"outgoing"}, "reached": {"no"}, "note": {"Skickade sms."}}.Encode()),
			Header: hdr(coordinator, "Content-Type", "application/x-www-form-urlencoded", "HX-Request", "true")})
	}
	inTenant := func(fn func(tx db.Tx) error) error { return db.InTenant(ctx, d.app, d.tenantID, d.coordinator, fn) }
	var searchN atomic.Uint64
	var pageN atomic.Uint64
	half := scb.Current(today)
	scenarios := []struct {
		name    string
		targets vegeta.Targeter
		sql     func() error
		levels  []int
		comment string
	}{
		{name: "sign-in", levels: b.levels, comment: "argon2id hashing of the password is the cost, by design; " +
			"the users are the coordinators of every municipality in turn, as colleagues signing in in the morning: " +
			"one account signing in more than three times at the same moment is held back by the sign-in throttle (429), as it should be",
			targets: rotating(signInTargets)},
		{name: "participant list, in contact, by last contact", levels: b.levels,
			targets: vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: base + k + "/deltagare?status=in_contact&sortera=last_contact", Header: hdr(coordinator)}),
			sql: func() error {
				return inTenant(func(tx db.Tx) error {
					_, err := participant.List(ctx, tx, participant.Filter{Status: "in_contact", Sort: "last_contact"}, today)
					return err
				})
			}},
		{name: "search as you type", levels: b.levels, targets: rotating(searchTargets),
			sql: func() error {
				s := searches[(searchN.Add(1)-1)%uint64(len(searches))]
				return inTenant(func(tx db.Tx) error {
					_, err := participant.List(ctx, tx, participant.Filter{Search: s}, today)
					return err
				})
			}},
		{name: "participant page, longest timelines", levels: b.levels, targets: rotating(pageTargets),
			sql: func() error {
				id := d.long[(pageN.Add(1)-1)%uint64(len(d.long))]
				return inTenant(func(tx db.Tx) error { return participantPageSQL(ctx, tx, id) })
			}},
		{name: "log a contact (POST)", levels: b.levels, targets: rotating(contactTargets)},
		{name: "work queues", levels: b.levels,
			targets: vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: base + k + "/att-gora", Header: hdr(coordinator)}),
			sql: func() error {
				return inTenant(func(tx db.Tx) error { _, _, err := participant.Queues(ctx, tx, d.coordinator, time.Now()); return err })
			}},
		// A common word of the generated notes ("Pratade om intresse för
		// praktik."): many hits, of which the page shows the best people.
		{name: "notes search", levels: b.levels,
			targets: vegeta.NewStaticTargeter(vegeta.Target{Method: "POST", URL: base + k + "/sok-anteckningar",
				Body: []byte(url.Values{"q": {noteWord}}.Encode()), Header: hdr(coordinator, "Content-Type", "application/x-www-form-urlencoded")}),
			sql: func() error {
				return inTenant(func(tx db.Tx) error { _, err := participant.SearchNotes(ctx, tx, noteWord); return err })
			}},
		{name: "municipality dashboard", levels: b.levels,
			targets: vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: base + k + "/statistik", Header: hdr(coordinator)}),
			sql: func() error {
				return inTenant(func(tx db.Tx) error {
					if _, err := dashboard.BuildMunicipality(ctx, tx, dashboard.Period{From: half.Start(), To: half.End()}, 0, today); err != nil {
						return err
					}
					_, err := scb.FindingCount(ctx, tx, half, today)
					return err
				})
			}},
		{name: "umbrella of the largest project", levels: b.levels,
			targets: vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: base + "/p/" + benchProject + "/paraply", Header: hdr(leader)}),
			sql: func() error {
				// The page reads the half-year, and everyone since the project's start for its target.
				if _, err := dashboard.BuildUmbrella(ctx, d.app, d.leader, d.project.ID, d.members, dashboard.Period{From: half.Start(), To: half.End()}, today); err != nil {
					return err
				}
				_, err := dashboard.ProjectParticipants(ctx, d.app, d.leader, d.project.ID, dashboard.Period{From: d.project.StartsOn, To: today})
				return err
			}},
		{name: "anonymised export of the largest project", levels: b.upTo(8),
			comment: "the whole project period; at 32 users the exports would only queue behind each other",
			targets: vegeta.NewStaticTargeter(vegeta.Target{Method: "GET", URL: base + "/p/" + benchProject + "/export/fil?period=hela&k=5&format=csv", Header: hdr(leader)}),
			sql: func() error {
				return db.InGlobal(ctx, d.app, d.leader, func(tx pgx.Tx) error {
					x, err := export.Prepare(ctx, tx, export.Params{Project: d.project.ID, From: d.project.StartsOn, To: d.project.EndsOn, K: 5})
					if err != nil {
						return err
					}
					return x.Each(ctx, func(export.Row) error { return nil })
				})
			}},
	}
	for _, s := range scenarios {
		if !b.wanted(s.name) {
			continue
		}
		r := scenarioResult{name: s.name, levels: s.levels, comment: s.comment}
		for _, c := range s.levels {
			fmt.Fprintf(b.stdout, "%s, %d users ...\n", s.name, c)
			m := attack(s.targets, c, b.duration)
			if m.Success < 1 {
				fmt.Fprintf(b.stdout, "  answers: %v; %v\n", m.StatusCodes, m.Errors)
			}
			r.app = append(r.app, m)
			if s.sql != nil {
				r.sql = append(r.sql, direct(s.sql, c, b.duration))
			}
			if s.name == "participant page, longest timelines" && c == 8 {
				b.largePage = m
			}
		}
		b.results = append(b.results, r)
	}
	if b.only != nil {
		return nil
	}
	if err := b.exportMemory(ctx, base, leader); err != nil {
		return err
	}
	// The lists go to a mid-sized municipality, so that later runs find the
	// largest one as the data made it.
	importer, err := signIn(base, "samordnare@"+importTenant+".national", "/k/"+importTenant+"/")
	if err != nil {
		return err
	}
	// Earlier runs' lists go first, so that every run imports 10,000 new people.
	var importID int
	if err := d.owner.QueryRow(ctx, `SELECT id FROM orgs WHERE key = $1`, importTenant).Scan(&importID); err != nil {
		return err
	}
	err = db.InTenant(ctx, d.owner, importID, 0, func(tx db.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM participants WHERE tenant_id = $1 AND last_name = 'Importsson'`, tx.TenantID)
		return err
	})
	if err != nil {
		return fmt.Errorf("bench: remove earlier imports: %w", err)
	}
	if err := b.importList(ctx, base, importer); err != nil {
		b.importErr = err.Error()
	}
	return nil
}

// upTo is the concurrency levels up to n.
func (b *bench) upTo(n int) []int {
	var l []int
	for _, c := range b.levels {
		if c <= n {
			l = append(l, c)
		}
	}
	return l
}

// wanted reports whether the scenario called name is to run.
func (b *bench) wanted(name string) bool {
	if b.only == nil {
		return true
	}
	for _, w := range b.only {
		if w = strings.TrimSpace(w); w != "" && strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// participantPageSQL is what the participant page reads.
func participantPageSQL(ctx context.Context, tx db.Tx, id int64) error {
	if _, err := participant.Get(ctx, tx, id); err != nil {
		return err
	}
	if _, err := participant.Contacts(ctx, tx, id); err != nil {
		return err
	}
	if _, err := participant.Enrolments(ctx, tx, id); err != nil {
		return err
	}
	if _, err := participant.Plans(ctx, tx, id); err != nil {
		return err
	}
	if _, err := participant.Mappings(ctx, tx, id); err != nil {
		return err
	}
	_, err := participant.FollowUps(ctx, tx, id)
	return err
}

// attack drives targets with users concurrent users for d.
func attack(targets vegeta.Targeter, users int, d time.Duration) *vegeta.Metrics {
	a := vegeta.NewAttacker(vegeta.Workers(uint64(users)), vegeta.MaxWorkers(uint64(users)), vegeta.Connections(users),
		vegeta.Timeout(5*time.Minute), vegeta.Redirects(vegeta.NoFollow), vegeta.KeepAlive(true))
	m := &vegeta.Metrics{}
	for res := range a.Attack(targets, vegeta.Rate{Freq: 0}, d, "bench") {
		m.Add(res)
	}
	m.Close()
	return m
}

// direct runs fn from users goroutines for d, as the SQL-only comparison, and
// gathers the same statistics as vegeta does.
func direct(fn func() error, users int, d time.Duration) *vegeta.Metrics {
	results := make(chan *vegeta.Result, 1024)
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := 0; i < users; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				began := time.Now()
				err := fn()
				r := &vegeta.Result{Timestamp: began, Latency: time.Since(began), Code: 200}
				if err != nil {
					r.Code, r.Error = 500, err.Error()
				}
				results <- r
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	m := &vegeta.Metrics{}
	for r := range results {
		m.Add(r)
	}
	m.Close()
	return m
}

// exportMemory downloads the export of each of the generated projects once
// and samples the process's resident memory meanwhile: it should not grow
// with the rows.
func (b *bench) exportMemory(ctx context.Context, base, cookie string) error {
	// The leader leads the largest project; to see memory against size, she
	// exports every generated project, so she leads them all here.
	_, err := b.large.owner.Exec(ctx, `
		INSERT INTO project_roles (project_id, user_id, role)
		SELECT p.id, $1, 'project_leader' FROM projects p WHERE p.key LIKE 'nationellt-%' ON CONFLICT DO NOTHING`, b.large.leader)
	if err != nil {
		return fmt.Errorf("bench: the leader's projects: %w", err)
	}
	rows, _ := b.large.owner.Query(ctx, `SELECT key FROM projects WHERE key LIKE 'nationellt-%' ORDER BY key`)
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, key := range keys {
		runtime.GC()
		baseRSS := rss()
		var peak atomic.Int64
		done := make(chan struct{})
		go func() {
			for {
				select {
				case <-done:
					return
				case <-time.After(10 * time.Millisecond):
					if r := rss(); r > peak.Load() {
						peak.Store(r)
					}
				}
			}
		}()
		began := time.Now().Add(-time.Second)
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/p/"+key+"/export/fil?period=hela&k=5&format=csv", nil)
		req.Header.Set("Cookie", cookie)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			close(done)
			return err
		}
		n, _ := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		close(done)
		if res.StatusCode != 200 {
			return fmt.Errorf("bench: export of %s: %s", key, res.Status)
		}
		// The rows come from this export's own completion event; a project
		// with nobody to export in its period has none and no line.
		var exported int
		err = b.large.owner.QueryRow(ctx, `
			SELECT (e.detail->>'exported')::int FROM security_events e JOIN projects p ON p.id = e.project_id
			WHERE e.action = 'export.completed' AND p.key = $1 AND e.at > $2 ORDER BY e.id DESC LIMIT 1`, key, began).Scan(&exported)
		if err != nil || exported == 0 {
			continue
		}
		b.exportRSS = append(b.exportRSS, rssPoint{project: fmt.Sprintf("%s (%d bytes)", key, n), rows: exported, peakDelta: max(peak.Load()-baseRSS, 0)})
	}
	return nil
}

// rss is the process's resident set in bytes.
func rss() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// importList uploads, previews and confirms a generated 10,000-row KAA list
// three times, timing the whole; each run adds new people, so it runs in
// sequence rather than under load.
func (b *bench) importList(ctx context.Context, base, cookie string) error {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	b.importLen = 10000
	for run := 0; run < 3; run++ {
		body, contentType := seed.ListUpload(seed.KAAList(b.importLen, time.Date(2007, 6, 1, 0, 0, 0, 0, time.UTC), 900+run*10, "Importsson"))
		began := time.Now()
		req, _ := http.NewRequestWithContext(ctx, "POST", base+"/k/"+importTenant+"/deltagare/import", body)
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Cookie", cookie)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		res.Body.Close()
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/import/") {
			return fmt.Errorf("bench: import upload: %s to %q", res.Status, loc)
		}
		for _, step := range []struct{ method, path string }{{"GET", loc}, {"POST", loc + "/bekrafta"}} {
			req, _ := http.NewRequestWithContext(ctx, step.method, base+step.path, nil)
			req.Header.Set("Cookie", cookie)
			res, err := client.Do(req)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode >= 400 {
				return fmt.Errorf("bench: import %s %s: %s", step.method, step.path, res.Status)
			}
		}
		b.importRun = append(b.importRun, time.Since(began))
	}
	return nil
}

// participantPageOn measures the participant page at 8 users on another
// database.
func (b *bench) participantPageOn(ctx context.Context, cfg config.Config, d benchDB) (*vegeta.Metrics, error) {
	defer func() { d.app.Close(); d.owner.Close() }()
	base, stop, err := serveBench(cfg, d.app)
	if err != nil {
		return nil, err
	}
	defer stop()
	cookie, err := signIn(base, benchCoordinator, "/k/"+benchTenant+"/")
	if err != nil {
		return nil, err
	}
	var targets []vegeta.Target
	for _, id := range d.long {
		targets = append(targets, vegeta.Target{Method: "GET", URL: fmt.Sprintf("%s/k/%s/deltagare/%d", base, benchTenant, id), Header: http.Header{"Cookie": {cookie}}})
	}
	b.machine = append(b.machine, fmt.Sprintf("small register for the participant-page comparison: %d participants, %d contacts", d.people, d.contacts))
	return attack(rotating(targets), 8, b.duration), nil
}

// describeMachine is what the results were measured on.
func (b *bench) describeMachine(ctx context.Context) {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				mem = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	debian, _ := os.ReadFile("/etc/debian_version")
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	var pg, shared, work, fsync string
	b.large.owner.QueryRow(ctx, `SELECT current_setting('server_version'), current_setting('shared_buffers'), current_setting('work_mem'), current_setting('fsync')`).Scan(&pg, &shared, &work, &fsync)
	b.machine = append([]string{
		fmt.Sprintf("CPU: %s, %d logical cores", cpu, runtime.NumCPU()),
		"memory: " + mem,
		fmt.Sprintf("system: Debian %s, Linux %s", strings.TrimSpace(string(debian)), strings.TrimSpace(string(kernel))),
		fmt.Sprintf("PostgreSQL %s on the same machine (shared_buffers %s, work_mem %s, fsync %s), the application's Go %s; load generator and server in one process", pg, shared, work, fsync, runtime.Version()),
		fmt.Sprintf("data: %d participants, %d contacts, database %s (scale %g)", b.large.people, b.large.contacts, b.large.size, b.scale),
	}, b.machine...)
	if b.large.seedTime > 0 {
		b.machine = append(b.machine, fmt.Sprintf("generating the data took %s", b.large.seedTime.Round(time.Second)))
	}
}

// keptMark starts what the report's file holds beyond the measurements (the
// binary sizes, for one): a run keeps it as it is.
const keptMark = "<!-- Below: not written by make bench; a run keeps it as it is. -->"

// writeReport writes report to file, followed by what the file held from
// keptMark on.
func writeReport(file, report string) error {
	if old, err := os.ReadFile(file); err == nil {
		if i := strings.Index(string(old), keptMark); i >= 0 {
			report += "\n" + string(old[i:])
		}
	}
	return os.WriteFile(file, []byte(report), 0o644)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

// report is docs/benchmarks.md.
func (b *bench) report() string {
	var w strings.Builder
	fmt.Fprintf(&w, "# Benchmarks\n\nWritten by `make bench` (`kaa-bench bench`) on %s. Do not edit by hand: run it again.\n\n", time.Now().Format("2006-01-02"))
	w.WriteString("## The machine and the data\n\n")
	for _, m := range b.machine {
		fmt.Fprintf(&w, "- %s\n", m)
	}
	fmt.Fprintf(&w, `
## Method

The data is generated by `+"`kaa-bench seed national`"+`: synthetic municipalities sized
like Sweden's, the largest (%s) with the most people. The real application
(router, middleware, sessions, templates, PostgreSQL with row-level security)
serves on a local port; vegeta drives it as a closed loop of 1, 8 and 32
concurrent users for %s per scenario and level, signed in as the coordinator
of %s or the leader of the largest project, %s. Throughput counts successful
answers per second; latencies are in milliseconds.

For each read scenario the same store functions the handler calls run again
without HTTP, rendering or middleware (same queries, same parameters, through
the same pool as the serving role) with the same number of concurrent callers:
the *SQL only* columns. *app/SQL* is the application's throughput as a share
of that.

A run changes the data a little: the contacts it logs land on the longest
timelines of %s, and the imported lists add people to %s (each run first
removes the people earlier runs imported). `+"`make reset`"+` starts from freshly
generated data.

`, benchTenant, b.duration, benchTenant, benchProject, benchTenant, importTenant)
	w.WriteString("## Results\n\n| scenario | users | req/s | p50 | p95 | p99 | failed | SQL only req/s | SQL only p95 | app/SQL |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range b.results {
		for i, c := range r.levels {
			m := r.app[i]
			failed := m.Requests - uint64(float64(m.Requests)*m.Success+0.5)
			line := fmt.Sprintf("| %s | %d | %.1f | %s | %s | %s | %d", r.name, c, m.Throughput, ms(m.Latencies.P50), ms(m.Latencies.P95), ms(m.Latencies.P99), failed)
			if r.sql != nil {
				s := r.sql[i]
				ratio := "–"
				if s.Throughput > 0 {
					ratio = fmt.Sprintf("%.0f %%", 100*m.Throughput/s.Throughput)
				}
				line += fmt.Sprintf(" | %.1f | %s | %s |", s.Throughput, ms(s.Latencies.P95), ratio)
			} else {
				line += " | – | – | – |"
			}
			w.WriteString(line + "\n")
		}
	}
	w.WriteString("\n")
	for _, r := range b.results {
		if r.comment != "" {
			fmt.Fprintf(&w, "- *%s*: %s.\n", r.name, r.comment)
		}
	}
	if b.only != nil {
		return w.String() // a partial run: the scenarios asked for, nothing else
	}
	w.WriteString("\n## Memory during the export\n\nEach generated project exported once as CSV while the process's resident memory is sampled every 10 ms: the growth over the resident memory before the export (0 when it did not grow). A project with nobody to export has no line.\n\n| project | rows exported | peak growth |\n|---|---|---|\n")
	for _, p := range b.exportRSS {
		fmt.Fprintf(&w, "| %s | %d | %.1f MiB |\n", p.project, p.rows, float64(p.peakDelta)/(1<<20))
	}
	w.WriteString("\n## The participant page on a small and a national register\n\n| register | users | p50 | p95 | p99 |\n|---|---|---|---|---|\n")
	for _, x := range []struct {
		name string
		m    *vegeta.Metrics
	}{{"national", b.largePage}, {"1,000 participants", b.smallPage}} {
		if x.m != nil {
			fmt.Fprintf(&w, "| %s | 8 | %s | %s | %s |\n", x.name, ms(x.m.Latencies.P50), ms(x.m.Latencies.P95), ms(x.m.Latencies.P99))
		}
	}
	fmt.Fprintf(&w, "\n## Importing a %d-row KAA list\n\nUpload, preview and confirm, one after the other (each run adds people, so it is not run under load):", b.importLen)
	for _, d := range b.importRun {
		fmt.Fprintf(&w, " %.1f s", d.Seconds())
	}
	w.WriteString(".\n")
	if b.importErr != "" {
		fmt.Fprintf(&w, "\nThe import failed: %s\n", b.importErr)
	}
	return w.String()
}
