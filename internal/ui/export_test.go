package ui_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// enrolInWithin registers n young people of municipality key in its Within
// sub-project, starting in the current month.
func (a *app) enrolInWithin(key string, n int, serial int) {
	a.t.Helper()
	start := time.Now().AddDate(0, 0, 1-time.Now().Day())
	for i := 0; i < n; i++ {
		birth := time.Date(2008, 4, 1+i, 0, 0, 0, 0, time.UTC)
		_, err := a.db.Owner.Exec(context.Background(), `
			WITH x AS (INSERT INTO participants (tenant_id, personnummer, birth_date, first_name, last_name, gender)
			           VALUES ($1, $2, $3, 'Hemlig', 'Person', 'woman') RETURNING id)
			INSERT INTO enrolments (tenant_id, participant_id, kind, subproject_id, starts_on)
			SELECT $1, x.id, 'project', s.id, $4 FROM x, subprojects s JOIN projects pr ON pr.id = s.project_id
			WHERE s.org_id = $1 AND pr.key = 'within'`,
			a.orgID(key), birth.Format("20060102")+fmt.Sprintf("%04d", serial+i), birth, start)
		if err != nil {
			a.t.Fatal(err)
		}
	}
}

func unzip(t *testing.T, body string) map[string]string {
	t.Helper()
	z, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	out := map[string]string{}
	for _, f := range z.File {
		r, _ := f.Open()
		b, _ := io.ReadAll(r)
		out[f.Name] = string(b)
	}
	return out
}

func TestEvaluatorExport(t *testing.T) {
	a := newApp(t)
	a.enrolInWithin("1273", 6, 100)
	a.enrolInWithin("1290", 7, 200)
	c := a.client()
	c.signIn("utvarderare@within.demo")

	page := c.get("/p/within/export")
	if page.Status != 200 || !strings.Contains(page.Body, `name="k"`) || strings.Contains(page.Body, `data-testid="export-report"`) {
		t.Fatalf("export page: %d", page.Status)
	}
	bad := c.get("/p/within/export?visa=1&k=2")
	if bad.Status != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "Skriv ett heltal från 3 till 1\u00a0000") || !strings.Contains(bad.Body, `aria-invalid="true"`) {
		t.Errorf("k = 2: %d", bad.Status)
	}
	if res := c.get("/p/within/export/fil?k=abc&format=csv"); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("a file with k = abc: %d", res.Status)
	}
	preview := c.get("/p/within/export?visa=1&k=5&period=12m")
	if preview.Status != 200 || !strings.Contains(preview.Body, "Personer i urvalet</th><td>13</td>") {
		t.Errorf("preview: %d\n%s", preview.Status, preview.Body)
	}

	file := c.get("/p/within/export/fil?k=5&period=12m&format=csv")
	if file.Status != 200 || file.Header.Get("Content-Type") != "application/zip" || !strings.Contains(file.Header.Get("Content-Disposition"), "export-within-12m.zip") {
		t.Fatalf("csv export: %d %v", file.Status, file.Header)
	}
	files := unzip(t, file.Body)
	data, err := csv.NewReader(strings.NewReader(files["data.csv"])).ReadAll()
	if err != nil || len(data) != 14 {
		t.Fatalf("data.csv: %d rows, %v", len(data), err)
	}
	if files["kodbok.csv"] == "" || !strings.Contains(files["rapport.txt"], "Rader i exporten: 13") {
		t.Errorf("the zip lacks its codebook or report: %v", files["rapport.txt"])
	}
	for name, content := range files {
		if strings.Contains(content, "Hemlig") || strings.Contains(content, "20080401") {
			t.Errorf("%s holds a name or a personnummer", name)
		}
	}
	// The log has who, when, what and the file's hash.
	sum := sha256.Sum256([]byte(file.Body))
	if n := a.count(`SELECT count(*) FROM security_events WHERE action = 'export.completed' AND user_id = $1
		AND detail->>'sha256' = $2 AND (detail->>'exported')::int = 13 AND detail->>'k' = '5' AND project_id IS NOT NULL`,
		a.userID("utvarderare@within.demo"), hex.EncodeToString(sum[:])); n != 1 {
		t.Errorf("%d completed exports with the file's SHA-256 in the security log", n)
	}
	if a.count(`SELECT count(*) FROM security_events WHERE action = 'export.started'`) != 1 {
		t.Error("the export's start is not logged")
	}

	xlsx := c.get("/p/within/export/fil?k=5&period=12m&format=xlsx")
	f, err := excelize.OpenReader(bytes.NewReader([]byte(xlsx.Body)))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	if rows, _ := f.GetRows("Data"); len(rows) != 14 {
		t.Errorf("xlsx data: %d rows", len(rows))
	}
	if book := c.get("/p/within/export/kodbok"); book.Status != 200 || !strings.Contains(book.Body, "utfall_avslut") {
		t.Errorf("codebook: %d", book.Status)
	}
}

func TestCoordinatorExportsOwnMunicipality(t *testing.T) {
	a := newApp(t)
	a.enrolInWithin("1273", 5, 100)
	a.enrolInWithin("1290", 7, 200)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	page := c.get("/k/1273/export?visa=1&projekt=within&period=12m")
	if page.Status != 200 || !strings.Contains(page.Body, "Personer i urvalet</th><td>5</td>") {
		t.Fatalf("Osby's export page: %d\n%s", page.Status, page.Body)
	}
	files := unzip(t, c.get("/k/1273/export/fil?projekt=within&period=12m&k=5&format=csv").Body)
	data, _ := csv.NewReader(strings.NewReader(files["data.csv"])).ReadAll()
	if len(data) != 6 {
		t.Fatalf("Osby's export has %d rows, want 5", len(data)-1)
	}
	for _, row := range data[1:] {
		if row[1] != "Osby kommun" && row[1] != "hela projektet" {
			t.Errorf("a row of %s in Osby's export", row[1])
		}
	}
	// Another municipality's export is not reachable.
	if res := c.get("/k/1290/export"); res.Status != http.StatusNotFound {
		t.Errorf("Kristianstad's export for Osby's coordinator: %d", res.Status)
	}
}

// Exports stream inside a transaction; more of them at once than the pool
// has connections must all finish, not wait for each other.
func TestSimultaneousExports(t *testing.T) {
	a := newApp(t)
	a.enrolInWithin("1273", 6, 100)
	c := a.client()
	c.signIn("utvarderare@within.demo")
	c.get("/p/within/") // entering the project renews the session once, before the downloads share it
	const n = 12
	type result struct {
		status int
		err    error
	}
	results := make(chan result, n)
	client := &http.Client{Jar: c.c.Jar, Timeout: 30 * time.Second}
	for i := 0; i < n; i++ {
		go func() {
			res, err := client.Get(a.srv.URL + "/p/within/export/fil?k=5&period=12m&format=csv")
			if err != nil {
				results <- result{err: err}
				return
			}
			_, err = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			results <- result{status: res.StatusCode, err: err}
		}()
	}
	for i := 0; i < n; i++ {
		if r := <-results; r.err != nil || r.status != 200 {
			t.Errorf("export %d: %d %v", i, r.status, r.err)
		}
	}
	if done := a.count(`SELECT count(*) FROM security_events WHERE action = 'export.completed'`); done != n {
		t.Errorf("%d exports completed, want %d", done, n)
	}
}

// TestExportOutsideProjects: a municipality in no project finds a page that
// says why there is nothing to export, not a missing page.
func TestExportOutsideProjects(t *testing.T) {
	a := newApp(t)
	_, err := a.db.Owner.Exec(context.Background(), `
		WITH o AS (INSERT INTO orgs (key, name, kind, require_two_factor) VALUES ('0999', 'Provkommun', 'municipality', false) RETURNING id)
		INSERT INTO memberships (tenant_id, user_id, role) SELECT o.id, u.id, 'coordinator' FROM o, users u WHERE u.email = 'samordnare@osby.demo'`)
	if err != nil {
		t.Fatal(err)
	}
	c := a.client()
	c.signIn("samordnare@osby.demo")
	if res := c.get("/k/0999/export"); res.Status != http.StatusOK || !strings.Contains(res.Body, "Provkommun är inte med i något projekt") {
		t.Errorf("the export page of a municipality in no project: %d", res.Status)
	}
	if res := c.get("/k/0999/export/fil?format=csv"); res.Status != http.StatusNotFound {
		t.Errorf("an export file of no project: %d, want 404", res.Status)
	}
}
