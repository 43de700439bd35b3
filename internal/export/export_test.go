package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/export"
	"github.com/kaa-plattform/kaa/internal/pgtest"
	"github.com/kaa-plattform/kaa/internal/seed"
	"github.com/kaa-plattform/kaa/internal/ui/views"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type fixture struct {
	t   *testing.T
	d   *pgtest.DB
	ctx context.Context
}

func newFixture(t *testing.T) *fixture {
	d := pgtest.NewFrom(t, "accounts", seed.StructureAt)
	return &fixture{t: t, d: d, ctx: context.Background()}
}

func (f *fixture) id(sql string, args ...any) int {
	f.t.Helper()
	var id int
	if err := f.d.Owner.QueryRow(f.ctx, sql, args...).Scan(&id); err != nil {
		f.t.Fatalf("%v: %s", err, sql)
	}
	return id
}

func (f *fixture) org(key string) int { return f.id(`SELECT id FROM orgs WHERE key = $1`, key) }
func (f *fixture) user(email string) int {
	return f.id(`SELECT id FROM users WHERE email = $1`, email)
}
func (f *fixture) project(key string) int { return f.id(`SELECT id FROM projects WHERE key = $1`, key) }

type person struct {
	org, pnr, first, last, gender, mobile, email, street string
	birth, start                                         time.Time
	end                                                  *time.Time
	note                                                 string
}

// add registers p in p.org, enrolled in the org's sub-project of project
// from p.start (to p.end), with one contact carrying p.note.
func (f *fixture) add(project string, p person) int64 {
	f.t.Helper()
	var pid int64
	tenant := f.org(p.org)
	err := f.d.Owner.QueryRow(f.ctx, `
		INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, gender, mobile, email, street, identified_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		tenant, p.pnr, p.birth, p.first, p.last, p.gender, p.mobile, p.email, p.street, p.start.AddDate(0, 0, -10)).Scan(&pid)
	if err != nil {
		f.t.Fatal(err)
	}
	reason := any(nil)
	if p.end != nil {
		reason = "project_exit"
	}
	_, err = f.d.Owner.Exec(f.ctx, `
		INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on, ends_on, end_reason)
		SELECT $1, $2, 'project', s.id, $3, $4, $5 FROM subprojects s JOIN projects pr ON pr.id = s.project_id
		WHERE s.org_id = $1 AND pr.key = $6 LIMIT 1`, tenant, pid, p.start, p.end, reason, project)
	if err != nil {
		f.t.Fatal(err)
	}
	if p.note != "" {
		_, err = f.d.Owner.Exec(f.ctx, `INSERT INTO contacts (tenant_id, participant_id, occurred_at, channel, direction, reached, created_by, note)
			VALUES ($1, $2, $3, 'sms', 'outgoing', true, (SELECT id FROM users WHERE email = 'samordnare@osby.demo'), $4)`,
			tenant, pid, p.start.Add(36*time.Hour), p.note)
		if err != nil {
			f.t.Fatal(err)
		}
	}
	return pid
}

// files is one export, unpacked.
type files struct {
	report export.Report
	data   [][]string
	raw    map[string]string
}

func (f *fixture) export(user int, p export.Params) files {
	f.t.Helper()
	var out files
	var buf bytes.Buffer
	err := db.InGlobal(f.ctx, f.d.App, user, func(tx pgx.Tx) error {
		x, err := export.Prepare(f.ctx, tx, p)
		if err != nil {
			return err
		}
		out.report = x.Report
		_, err = x.WriteZip(f.ctx, &buf, views.Label, "Projektet", "hela projektet")
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		f.t.Fatal(err)
	}
	out.raw = map[string]string{}
	for _, file := range z.File {
		r, _ := file.Open()
		b, _ := io.ReadAll(r)
		out.raw[file.Name] = string(b)
	}
	// Both CSV files are in the Swedish spreadsheet layout (csvsafe).
	for _, name := range []string{"data.csv", "kodbok.csv"} {
		if !strings.HasPrefix(out.raw[name], "\uFEFF") || !strings.Contains(out.raw[name], "\r\n") {
			f.t.Errorf("%s has no byte-order mark or no CRLF", name)
		}
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(out.raw["data.csv"], "\uFEFF")))
	r.Comma = ';'
	if out.data, err = r.ReadAll(); err != nil {
		f.t.Fatalf("data.csv: %v", err)
	}
	return out
}

// checkK is the independent checker: from the file alone, it groups the rows
// by the quasi-identifiers and fails on any group smaller than k.
func checkK(t *testing.T, data [][]string, k int) (smallest int) {
	t.Helper()
	if len(data) == 0 {
		t.Fatal("no header")
	}
	var idx []int
	for _, name := range []string{"kommun", "delprojekt", "kon", "alder", "startperiod", "slutperiod"} {
		found := false
		for i, h := range data[0] {
			if h == name {
				idx, found = append(idx, i), true
			}
		}
		if !found {
			t.Fatalf("no column %s in %v", name, data[0])
		}
	}
	groups := map[string]int{}
	for _, row := range data[1:] {
		var key []string
		for _, i := range idx {
			key = append(key, row[i])
		}
		groups[strings.Join(key, "\x00")]++
	}
	for key, n := range groups {
		if n < k {
			t.Errorf("%d rows share %q: fewer than k = %d", n, strings.ReplaceAll(key, "\x00", " | "), k)
		}
		if smallest == 0 || n < smallest {
			smallest = n
		}
	}
	return smallest
}

func date(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func pnr(birth time.Time, serial int) string {
	return birth.Format("20060102") + fmt.Sprintf("%04d", serial)
}

func TestGeneralisesUntilKThenSuppresses(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	within, leader := f.project("within"), f.user("projektledare@within.demo")
	// Ten women of Osby aged 17, who started in January, February and March
	// (3, 3 and 4): no month holds five, the quarter holds all ten. One man
	// stands out; gender is kept (the default), so he cannot be hidden in
	// the women's group and nobody else shares his gender: he is left out.
	months := []string{"2026-01-05", "2026-01-20", "2026-01-25", "2026-02-03", "2026-02-10", "2026-02-20", "2026-03-01", "2026-03-05", "2026-03-10", "2026-03-20"}
	for i, m := range months {
		b := date("2008-06-01").AddDate(0, 0, i)
		f.add("within", person{org: "1273", pnr: pnr(b, 100+i), first: "A", last: "B", gender: "woman", birth: b, start: date(m)})
	}
	f.add("within", person{org: "1273", pnr: pnr(date("2008-07-01"), 200), first: "C", last: "D", gender: "man", birth: date("2008-07-01"), start: date("2026-02-01")})

	got := f.export(leader, export.Params{Project: within, From: date("2026-01-01"), To: date("2026-06-30"), K: 5})
	r := got.report
	if r.Rows != 11 || r.Dropped != 1 || r.Exported != 10 || r.KReached != 10 {
		t.Errorf("rows %d dropped %d exported %d k reached %d; want 11 1 10 10", r.Rows, r.Dropped, r.Exported, r.KReached)
	}
	if r.Node != (export.Node{export.Entry: 1}) {
		t.Errorf("node %+v, want quarters of the start and nothing else", r.Node)
	}
	if n := checkK(t, got.data, 5); n != 10 || len(got.data) != 11 {
		t.Errorf("the file has %d rows, smallest group %d", len(got.data)-1, n)
	}
	if got.data[1][5] != "2026-K1" || got.data[1][6] != "pågår" || got.data[1][4] != "17" || got.data[1][1] != "Osby kommun" || got.data[1][3] != "Kvinna" {
		t.Errorf("first row %v", got.data[1])
	}
	for _, want := range []string{"Redovisas per: startperiod: kvartal", "Utelämnade rader (stack ut även med dolda celler): 1", "Minsta grupp i exporten: 10",
		"SHA-256 av data.csv: ", "Informationsförlust i kvasiidentifierarna: ", "Generaliseringar prövade: "} {
		if !strings.Contains(got.raw["rapport.txt"], want) {
			t.Errorf("the report does not say %q:\n%s", want, got.raw["rapport.txt"])
		}
	}
	sum := sha256.Sum256([]byte(got.raw["data.csv"]))
	if !strings.Contains(got.raw["rapport.txt"], hex.EncodeToString(sum[:])) {
		t.Error("the report's SHA-256 is not that of data.csv")
	}
	if !strings.Contains(got.raw["kodbok.csv"], "kon;") || !strings.Contains(got.raw["kodbok.csv"], "Kvinna; Man; Icke-binär; Ej angivet") {
		t.Errorf("codebook:\n%s", got.raw["kodbok.csv"])
	}
	if _, ok := got.raw["utfall.xlsx"]; !ok {
		t.Error("the zip has no outcome tables")
	}

	// With nothing kept in particular, the man's gender cell is hidden
	// instead, with four women's: nobody is left out.
	free := f.export(leader, export.Params{Project: within, From: date("2026-01-01"), To: date("2026-06-30"), K: 5, Keep: export.KeepNothing})
	if free.report.Dropped != 0 || free.report.Exported != 11 {
		t.Errorf("keep nothing: dropped %d, exported %d, node %v, cells %v", free.report.Dropped, free.report.Exported, free.report.Node, free.report.SuppressedCells)
	}
	checkK(t, free.data, 5)

	// k = 12 can only be met by leaving everyone out; below 3 is refused.
	if got := f.export(leader, export.Params{Project: within, From: date("2026-01-01"), To: date("2026-06-30"), K: 12}); got.report.Exported != 0 || len(got.data) != 1 {
		t.Errorf("k = 12: %d rows exported", got.report.Exported)
	}
	err := db.InGlobal(f.ctx, f.d.App, leader, func(tx pgx.Tx) error {
		_, err := export.Prepare(f.ctx, tx, export.Params{Project: within, From: date("2026-01-01"), To: date("2026-06-30"), K: 2})
		return err
	})
	if err == nil {
		t.Error("k = 2 was accepted")
	}
}

func TestWhoMayExport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	within := f.project("within")
	for i := 0; i < 6; i++ {
		b := date("2007-03-01").AddDate(0, 0, i)
		f.add("within", person{org: "1273", pnr: pnr(b, 300+i), first: "E", last: "F", gender: "man", birth: b, start: date("2026-09-01")})
		f.add("within", person{org: "1290", pnr: pnr(b, 400+i), first: "G", last: "H", gender: "man", birth: b, start: date("2026-09-01")})
	}
	p := export.Params{Project: within, From: date("2026-07-01"), To: date("2026-12-31"), K: 5}
	for _, c := range []struct {
		who  string
		org  string
		rows int
	}{
		{"projektledare@within.demo", "", 12}, {"utvarderare@within.demo", "", 12},
		{"projektledare@klarframtid.demo", "", 0}, // another project's leader
		{"samordnare@osby.demo", "", 0},           // a coordinator, for the whole project
		{"samordnare@osby.demo", "1273", 6},       // … for their own municipality
		{"samordnare@osby.demo", "1290", 0},       // … for another
		{"admin@osby.demo", "1273", 0},            // an administrator is not a coordinator
	} {
		q := p
		if c.org != "" {
			q.Org = f.org(c.org)
		}
		if got := f.export(f.user(c.who), q); got.report.Rows != c.rows {
			t.Errorf("%s, org %q: %d rows, want %d", c.who, c.org, got.report.Rows, c.rows)
		}
	}
	// The serving role cannot read the secrets.
	var n int
	err := db.InGlobal(f.ctx, f.d.App, f.user("projektledare@within.demo"), func(tx pgx.Tx) error {
		return tx.QueryRow(f.ctx, `SELECT count(*) FROM export_keys`).Scan(&n)
	})
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("kaa_app reads export_keys: %v", err)
	}
}

func TestPseudonyms(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	within, leader := f.project("within"), f.user("projektledare@within.demo")
	var pnrs []string
	for i := 0; i < 5; i++ {
		b := date("2007-05-01").AddDate(0, 0, i)
		pnrs = append(pnrs, pnr(b, 500+i))
		f.add("within", person{org: "1273", pnr: pnrs[i], first: "I", last: "J", gender: "woman", birth: b, start: date("2026-08-01")})
	}
	p := export.Params{Project: within, From: date("2026-07-01"), To: date("2026-12-31"), K: 5}
	ids := func(got files) []string {
		var out []string
		for _, row := range got.data[1:] {
			out = append(out, row[0])
		}
		return out
	}
	first, second := ids(f.export(leader, p)), ids(f.export(leader, p))
	if len(first) != 5 || strings.Join(first, ",") != strings.Join(second, ",") {
		t.Fatalf("two exports of one project: %v and %v", first, second)
	}
	for _, id := range first {
		for _, n := range pnrs {
			plain := sha256.Sum256([]byte(n))
			if id == hex.EncodeToString(plain[:16]) || strings.Contains(id, n) {
				t.Errorf("id %s is the personnummer or its plain hash", id)
			}
		}
	}
	// A member's own export uses its own key.
	osby := ids(f.export(f.user("samordnare@osby.demo"), export.Params{Project: within, Org: f.org("1273"), From: p.From, To: p.To, K: 5}))
	if overlap(first, osby) {
		t.Error("the municipality's own export shares ids with the project's")
	}
	// Another project: the same people, different ids.
	other := f.id(`INSERT INTO projects (key, name, owner_org_id, starts_on, ends_on) VALUES ('annat', 'Annat projekt', $1, '2026-01-01', '2027-12-31') RETURNING id`, f.org("1273"))
	f.d.Owner.Exec(f.ctx, `INSERT INTO project_orgs (project_id, org_id, accepted_at) VALUES ($1, $2, now())`, other, f.org("1273"))
	f.d.Owner.Exec(f.ctx, `INSERT INTO subprojects (project_id, org_id, name, focus) VALUES ($1, $2, 'Annat Osby', '')`, other, f.org("1273"))
	f.d.Owner.Exec(f.ctx, `INSERT INTO project_roles (project_id, user_id, role) VALUES ($1, $2, 'evaluator')`, other, leader)
	f.d.Owner.Exec(f.ctx, `INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on)
		SELECT e.tenant_id, e.participant_id, 'project', (SELECT id FROM subprojects WHERE project_id = $1), e.starts_on FROM enrolments e`, other)
	elsewhere := ids(f.export(leader, export.Params{Project: other, From: p.From, To: p.To, K: 5}))
	if len(elsewhere) != 5 || overlap(first, elsewhere) {
		t.Errorf("another project: %v", elsewhere)
	}
	// Rotating the key gives everyone a new id.
	var version int
	err := pgx.BeginFunc(f.ctx, f.d.Owner, func(tx pgx.Tx) (err error) { version, err = export.RotateKey(f.ctx, tx, within); return err })
	if err != nil || version != 2 {
		t.Fatalf("rotate: version %d, %v", version, err)
	}
	rotated := f.export(leader, p)
	if overlap(first, ids(rotated)) || rotated.report.KeyVersion != 2 {
		t.Errorf("after rotation: %v, key version %d", ids(rotated), rotated.report.KeyVersion)
	}
}

func overlap(a, b []string) bool {
	seen := map[string]bool{}
	for _, s := range a {
		seen[s] = true
	}
	for _, s := range b {
		if seen[s] {
			return true
		}
	}
	return false
}

// No exported cell, of the data, the codebook or the report, ever holds a
// name, an identity number, a phone number, an e-mail address, a street or a
// note, whatever they look like.
func TestNoIdentifierEverLeaves(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	within, leader := f.project("within"), f.user("utvarderare@within.demo")
	rng := rand.New(rand.NewPCG(2026, 11))
	word := func() string {
		const letters = "bcdfghjklmnpqrstvwxzåäö"
		r := []rune(letters)
		var b strings.Builder
		b.WriteString("Qx")
		for i := 0; i < 6+rng.IntN(5); i++ {
			b.WriteRune(r[rng.IntN(len(r))])
		}
		return b.String()
	}
	var secrets []string
	for round := 0; round < 4; round++ {
		for i := 0; i < 15; i++ {
			b := date("2004-01-01").AddDate(0, 0, rng.IntN(3000))
			n := pnr(b, 1000+round*100+i)
			p := person{org: []string{"1273", "1290", "1293"}[rng.IntN(3)], pnr: n, first: word(), last: word(),
				gender: []string{"woman", "man", "non_binary", "not_stated"}[rng.IntN(4)],
				mobile: fmt.Sprintf("+4670%07d", rng.IntN(10000000)), email: strings.ToLower(word()) + "@exempel.se", street: word() + "vägen 3",
				birth: b, start: date("2026-07-01").AddDate(0, 0, rng.IntN(120))}
			p.note = fmt.Sprintf("Ringde %s (%s-%s) på %s, mejl %s", p.first, n[2:8], n[8:], p.mobile, p.email)
			if rng.IntN(3) == 0 {
				end := p.start.AddDate(0, 0, 20+rng.IntN(30))
				p.end = &end
			}
			f.add("within", p)
			secrets = append(secrets, p.first, p.last, n, n[2:], n[2:8]+"-"+n[8:], p.mobile, p.mobile[3:], p.email, p.street, p.note)
		}
		for _, k := range []int{3, 5} {
			got := f.export(leader, export.Params{Project: within, From: date("2026-07-01"), To: date("2026-12-31"), K: k})
			checkK(t, got.data, k)
			for name, content := range got.raw {
				for _, s := range secrets {
					if strings.Contains(content, s) {
						t.Fatalf("round %d, k %d: %s holds %q", round, k, name, s)
					}
				}
			}
		}
	}
}

// A 100,000-row export is read and written a row at a time: the heap stays
// within a bound that does not grow with the rows.
func TestExportStreams(t *testing.T) {
	// Not parallel: it measures the heap of the whole test binary.
	f := newFixture(t)
	within, leader := f.project("within"), f.user("projektledare@within.demo")
	_, err := f.d.Owner.Exec(f.ctx, `
		WITH p AS (
		    INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, gender, identified_on)
		    SELECT $1, to_char(date '2004-01-01' + (i % 2500), 'YYYYMMDD') || lpad((i / 2500)::text, 4, '0'),
		           date '2004-01-01' + (i % 2500), 'Namn', 'Efternamn',
		           (ARRAY['woman', 'man', 'non_binary', 'not_stated'])[1 + i % 4], date '2026-01-01'
		    FROM generate_series(1, 100000) i RETURNING id, tenant_id)
		INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on)
		SELECT p.tenant_id, p.id, 'project', $2, date '2026-01-01' + (p.id % 150)::int FROM p`,
		f.org("1290"), f.id(`SELECT s.id FROM subprojects s WHERE s.org_id = $1 AND s.project_id = $2`, f.org("1290"), within))
	if err != nil {
		t.Fatal(err)
	}
	var peak atomic.Uint64
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak.Load() {
					peak.Store(m.HeapAlloc)
				}
			}
		}
	}()
	var written countingWriter
	var rows int
	err = db.InGlobal(f.ctx, f.d.App, leader, func(tx pgx.Tx) error {
		x, err := export.Prepare(f.ctx, tx, export.Params{Project: within, From: date("2026-01-01"), To: date("2026-12-31"), K: 5})
		if err != nil {
			return err
		}
		rows = x.Report.Exported
		t.Logf("search: %d of %d nodes in %v, node %v, loss %.1f %%, %d with hidden cells, %d left out",
			x.Report.Evaluated, x.Report.LatticeSize, x.Report.Took, x.Report.Node, 100*x.Report.Loss, x.Report.SuppressedRows, x.Report.Dropped)
		_, err = x.WriteZip(f.ctx, &written, views.Label, "Within", "hela projektet")
		return err
	})
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	grew := int64(peak.Load()) - int64(base.HeapAlloc)
	t.Logf("%d rows, %d bytes written; heap %d MiB before, peak %d MiB", rows, written, base.HeapAlloc>>20, peak.Load()>>20)
	if rows < 99000 {
		t.Errorf("only %d rows exported", rows)
	}
	// 100,000 rows of about 200 bytes are 20 MB as text and several times
	// that as Go values: a bound of 16 MiB fails if rows are held.
	if grew > 16<<20 {
		t.Errorf("the heap grew by %d MiB during the export", grew>>20)
	}
}

type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

func TestXLSX(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	within := f.project("within")
	for i := 0; i < 5; i++ {
		b := date("2008-02-01").AddDate(0, 0, i)
		f.add("within", person{org: "1273", pnr: pnr(b, 700+i), first: "K", last: "L", gender: "man", birth: b, start: date("2026-10-01"), note: "x"})
	}
	var buf bytes.Buffer
	err := db.InGlobal(f.ctx, f.d.App, f.user("utvarderare@within.demo"), func(tx pgx.Tx) error {
		x, err := export.Prepare(f.ctx, tx, export.Params{Project: within, From: date("2026-07-01"), To: date("2026-12-31"), K: 5})
		if err != nil {
			return err
		}
		return x.WriteXLSX(f.ctx, &buf, views.Label, "Within", "hela projektet")
	})
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.GetSheetList(); strings.Join(got, ",") != "Data,Rapport,Utfall avslut per kommun,Utfall 6 mån per kommun,Utfall avslut per delprojekt,Utfall 6 mån per delprojekt,Kodbok" {
		t.Errorf("sheets %v", got)
	}
	data, _ := x.GetRows("Data")
	checkK(t, data, 5)
	if len(data) != 6 || data[1][3] != "Man" {
		t.Errorf("data sheet: %v", data)
	}
	col := -1
	for i, h := range data[0] {
		if h == "kontakter_sms" {
			col = i
		}
	}
	cell, _ := excelize.CoordinatesToCellName(col+1, 2)
	if v, _ := x.GetCellValue("Data", cell); v != "1" {
		t.Errorf("kontakter_sms = %q, want 1", v)
	}
	if ct, _ := x.GetCellType("Data", cell); ct == excelize.CellTypeSharedString || ct == excelize.CellTypeInlineString {
		t.Error("a count is stored as text")
	}
}
