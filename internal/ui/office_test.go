package ui_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"math"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/xuri/excelize/v2"

	"github.com/kaa-plattform/kaa/internal/officetest"
	"github.com/kaa-plattform/kaa/internal/ui"
)

// downloadRoutes are the routes whose answer is a file, with what the file
// is. TestDownloadsInLibreOffice fetches a file of each and fails for a
// route answering with a file that is not here, so a new download cannot
// be left out of the check.
var downloadRoutes = map[string]string{
	"GET /k/{tenant}/loggkontroll/csv":         "the access-log review as CSV",
	"GET /k/{tenant}/deltagare/excel":          "the filtered list as a workbook",
	"POST /k/{tenant}/scb/fil":                 "makes the SCB file and sends the browser to the archive",
	"GET /k/{tenant}/scb/arkiv/{id}/{format}":  "a kept SCB file: the workbook, or SCB's own text format",
	"POST /k/{tenant}/esf-manadsfil/fil":       "makes the ESF monthly file and sends the browser to the archive",
	"GET /k/{tenant}/esf-manadsfil/arkiv/{id}": "a kept ESF monthly participant file (workbook)",
	"GET /k/{tenant}/statistik/tabell/{table}": "a dashboard table as CSV or workbook",
	"GET /k/{tenant}/export/fil":               "a member's export: a zip of CSV files, or a workbook",
	"GET /k/{tenant}/export/kodbok":            "the export's codebook as CSV",
	"GET /p/{project}/paraply/tabell/{table}":  "an umbrella table as CSV or workbook",
	"GET /p/{project}/esf/tabell/{table}":      "an ESF+ table as CSV or workbook",
	"GET /p/{project}/export/fil":              "the project's export: a zip of CSV files, or a workbook",
	"GET /p/{project}/export/kodbok":           "the export's codebook as CSV",
}

// notOffice are files that are not for a spreadsheet: SCB's submission
// text file has SCB's fixed layout (12-digit personnummer, no header) and
// goes to SCB's upload as it is; the export's report is plain text.
var notOffice = regexp.MustCompile(`\.txt$`)

// download is one file a user can fetch.
type download struct {
	who, url, pattern, name string
	body                    []byte
}

// TestDownloadsInLibreOffice fetches every file a coordinator, a
// municipality administrator, a project leader and an evaluator can
// download, over the demo data and a person whose fields hold å, ä and ö,
// and opens each in LibreOffice Calc as Swedish Excel would open it
// (internal/officetest). For every file: å ä ö read right; no cell is a
// formula; a header row of Swedish names (below a title and a period when
// there are some) with no code words; a number is a number cell (a share a
// percentage cell in a workbook), never text; a date is a date cell shown
// as 2026-08-15; a personnummer is text, never a number. The walk asks
// every GET route of the route table as each of the four and follows every
// download link of every page, so it also proves that each route answering
// with a file is in downloadRoutes.
func TestDownloadsInLibreOffice(t *testing.T) {
	t.Parallel()
	a := demoApp(t)
	pid := a.wordsFixture()
	path := a.paramsOf(pid).path

	users := []string{"samordnare@osby.demo", "admin@osby.demo", "projektledare@within.demo", "utvarderare@within.demo"}
	var routes []ui.Route
	for _, rt := range a.h.Routes() {
		if rt.Method == http.MethodGet && (rt.Scope == ui.SignedIn || rt.Scope == ui.Tenant || rt.Scope == ui.Project) {
			routes = append(routes, rt)
		}
	}
	router := a.h.Router().(chi.Routes)
	patternOf := func(method, p string) string {
		rctx := chi.NewRouteContext()
		if !router.Match(rctx, method, p) {
			return ""
		}
		return method + " " + rctx.RoutePattern()
	}

	var files []download
	seen := map[string]bool{}       // path and format: one file each
	routesSeen := map[string]bool{} // the routes that answered with a file
	pages := map[string]bool{}
	fileLink := regexp.MustCompile(`<a\s[^>]*>`)
	href := regexp.MustCompile(`\bhref="([^"]+)"`)
	for _, who := range users {
		c := a.client()
		c.signIn(who)
		if who == "samordnare@osby.demo" {
			// The SCB files are made by a form; the page then lists them.
			for _, format := range []string{"xlsx", "txt"} {
				res := c.post("/k/1273/scb/fil", url.Values{"halvar": {"2026-1"}, "spec": {"2026-2"}, "format": {format}})
				if res.Status != http.StatusSeeOther {
					t.Fatalf("make the SCB %s file: %d", format, res.Status)
				}
				routesSeen["POST /k/{tenant}/scb/fil"] = true
			}
			// The ESF monthly file, for a month of Within with no errors in the demo data.
			if res := c.post("/k/1273/esf-manadsfil/fil", url.Values{"projekt": {"within"}, "manad": {"2016-03"}}); res.Status != http.StatusSeeOther {
				t.Fatalf("make the ESF monthly file: %d", res.Status)
			}
			routesSeen["POST /k/{tenant}/esf-manadsfil/fil"] = true
		}
		var queue []string
		for _, rt := range routes {
			queue = append(queue, path(rt.Pattern))
		}
		// The export pages offer their files after a preview.
		queue = append(queue, "/p/within/export?visa=1&k=5&period=hela", "/k/1273/export?projekt=within&visa=1&k=5&period=hela")
		for len(queue) > 0 {
			u := queue[0]
			queue = queue[1:]
			pu, err := url.Parse(u)
			if err != nil || strings.Contains(u, "{") {
				continue
			}
			key := who + " " + u
			if pages[key] {
				continue
			}
			pages[key] = true
			res := c.get(u)
			if res.Status != http.StatusOK {
				continue
			}
			if cd := res.Header.Get("Content-Disposition"); cd != "" {
				pattern := patternOf(http.MethodGet, pu.Path)
				fileKey := pu.Path + "?" + pu.Query().Get("format")
				if seen[fileKey] {
					continue
				}
				seen[fileKey], routesSeen[pattern] = true, true
				name := u
				if _, n, ok := strings.Cut(cd, "filename="); ok {
					name = strings.Trim(n, `"`)
				}
				files = append(files, download{who, u, pattern, name, []byte(res.Body)})
				continue
			}
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				continue
			}
			for _, tag := range fileLink.FindAllString(res.Body, -1) {
				if m := href.FindStringSubmatch(tag); m != nil && regexp.MustCompile(`\sdownload[\s>=]`).MatchString(tag) {
					queue = append(queue, html.UnescapeString(m[1]))
				}
			}
		}
	}

	t.Run("every download route is walked", func(t *testing.T) {
		for p := range routesSeen {
			if downloadRoutes[p] == "" {
				t.Errorf("%s answers with a file but is not in downloadRoutes: add it, so that LibreOffice opens it", p)
			}
		}
		var want []string
		for p := range downloadRoutes {
			want = append(want, p)
		}
		sort.Strings(want)
		for _, p := range want {
			if !routesSeen[p] {
				t.Errorf("no file of %s (%s) was fetched: the walk misses it", p, downloadRoutes[p])
			}
		}
		for _, f := range files {
			t.Logf("%-26s %s (%s)", f.who, f.url, f.name)
		}
	})

	// The files to open: a zip's CSV and workbook files one by one.
	type office struct {
		name string // the subtest's name
		file officetest.File
	}
	var open []office
	for _, f := range files {
		// Named by the address and the kind, which stay the same from day
		// to day (the file names hold the date).
		base := strings.SplitN(f.url, "?", 2)[0] + " " + strings.TrimPrefix(filepath.Ext(f.name), ".")
		if u, err := url.Parse(f.url); err == nil && u.Query().Get("period") == "hela" {
			base += " hela"
		}
		if !bytes.HasPrefix(f.body, []byte("PK")) || strings.HasSuffix(f.name, ".xlsx") {
			if !notOffice.MatchString(f.name) {
				open = append(open, office{base, officetest.File{Name: f.name, Data: f.body}})
			}
			continue
		}
		z, err := zip.NewReader(bytes.NewReader(f.body), int64(len(f.body)))
		if err != nil {
			t.Fatalf("%s: %v", f.url, err)
		}
		for _, m := range z.File {
			if notOffice.MatchString(m.Name) {
				continue
			}
			rc, err := m.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			open = append(open, office{base + " " + m.Name, officetest.File{Name: m.Name, Data: data}})
		}
	}
	if len(open) < 20 {
		t.Errorf("only %d files to open", len(open))
	}
	if !officetest.Available() {
		t.Logf("LibreOffice (soffice) is not installed: the %d files are not opened (on Debian: apt-get install libreoffice-calc-nogui)", len(open))
		return
	}
	// The check itself, on files made as the writers should and should not.
	proofs := officeProofs(t)
	var in []officetest.File
	for _, p := range proofs {
		in = append(in, p.file)
	}
	for _, o := range open {
		in = append(in, o.file)
	}
	books := officetest.Open(t, in...)
	t.Run("the check sees what is wrong", func(t *testing.T) {
		for i, p := range proofs {
			got := strings.Join(officeFindings(p.file, books[i]), "\n")
			for _, w := range p.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s: the check does not say %q; it says:\n%s", p.file.Name, w, got)
				}
			}
			if len(p.want) == 0 && got != "" {
				t.Errorf("%s: a good file is found wrong:\n%s", p.file.Name, got)
			}
		}
	})
	books = books[len(proofs):]
	for i, o := range open {
		t.Run(o.name, func(t *testing.T) {
			for _, f := range officeFindings(o.file, books[i]) {
				t.Error(f)
			}
		})
	}
}

// officeProof is a file made for the check, and what the check must say
// of it (nothing for a good file).
type officeProof struct {
	file officetest.File
	want []string
}

// officeProofs are a good CSV and workbook as the writers make them (a
// title and a period above the header, typed cells, a suppressed cell),
// and bad ones as the product's files were before issue 20.
func officeProofs(t *testing.T) []officeProof {
	t.Helper()
	workbook := func(sheet string, rows [][]any, styles map[string]string) []byte {
		x := excelize.NewFile()
		defer x.Close()
		x.SetSheetName("Sheet1", sheet)
		for i, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := x.SetSheetRow(sheet, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		for cell, numFmt := range styles {
			st, _ := x.NewStyle(&excelize.Style{CustomNumFmt: &numFmt})
			x.SetCellStyle(sheet, cell, cell, st)
		}
		var b bytes.Buffer
		if err := x.Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	day := time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC)
	return []officeProof{
		{officetest.File{Name: "bra.csv", Data: []byte("\ufeffKontakter per kanal\r\nPeriod;2026-01-01 – 2026-06-30\r\n" +
			"Kanal;Försök;Andel nådda;Datum;Personnummer\r\nSms;1 234;12,5 %;2026-08-15;20080301-0024\r\n" +
			"Möte;–;–;2026-08-16;20080302-0007\r\n")}, nil},
		{officetest.File{Name: "bra.xlsx", Data: workbook("Kanaler", [][]any{{"Kontakter per kanal"}, {"Period", "2026-01-01 – 2026-06-30"},
			{"Kanal", "Försök", "Andel nådda", "Datum", "Personnummer"}, {"Sms", 12, 0.125, day, "200803010024"}, {"Möte", "–", "–", day, "20080302-0007"}},
			map[string]string{"C4": "0.0%", "D4": "yyyy-mm-dd", "D5": "yyyy-mm-dd"})}, nil},
		{officetest.File{Name: "komma.csv", Data: []byte("Kanal,Försök\nSms,12\n")},
			[]string{"each line is one cell", "the file has 2 of å ä ö, LibreOffice reads 0", "å ä ö are garbled"}},
		{officetest.File{Name: "fel.csv", Data: []byte("\ufeffKanal;Försök;Andel nådda;Personnummer\r\n=1+1;12;12;200803010024\r\nunknown;tolv;12.5;x\r\n0484;x;x;x\r\n")},
			[]string{"A2: is a formula", `"200803010024" is a float`, `code words: ["unknown"`, `the share "12"`,
				`"0484" is not kept as text`, `"200803010024" is not kept as text`}},
		{officetest.File{Name: "fel.xlsx", Data: workbook("Sheet1", [][]any{{"Kanal", "Försök", "Andel nådda", "Datum", "Personnummer"},
			{"Sms", "12", "12 %", "2026-08-15", 200803010024}, {"Möte", 3, 0.5, day, "x"}}, map[string]string{"D3": "m/d/yyyy"})},
			[]string{`sheet "Sheet1"`, `B2 (försök): the number "12" is text`, `C2 (andel nådda): the number "12 %" is text`,
				`D2 (datum): the date "2026-08-15" is text`, `E2 (personnummer): the personnummer "200803010024" is a float`,
				`C3 (andel nådda): the share "0,5" is a plain number`, `D3 (datum): the date 2026-08-15 is shown as`}},
	}
}

var (
	// numberLike is a number as a person writes it: 12, 1 234, 12,5, 0.125, 12 %.
	numberLike = regexp.MustCompile(`^-?\d{1,3}(?:[  ]\d{3})*(?:[.,]\d+)?\s?%?$|^-?\d+(?:[.,]\d+)?\s?%?$`)
	// codeLike are digits kept as text on purpose: a leading zero
	// (kommunkod 0484) or ten or more digits (a personnummer or an id).
	codeLike = regexp.MustCompile(`^0\d+$|^\d{10,}$`)
	isoDate  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)
	isoMonth = regexp.MustCompile(`^\d{4}-\d{2}$`) // a month: a date cell on the 1st, shown 2026-08
	isoDay   = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	// codeNames are the names of columns (or of rows) holding codes, which
	// are text: Kommun 1273 (kommunkod, 0484 elsewhere), Ny hemkommun.
	codeNames = regexp.MustCompile(`^(?:ny )?(?:hem)?kommun(?:kod)?$|kod\b|nummer|^id$|pseudonym`)
)

// officeFindings checks one file as LibreOffice read it and returns what
// is wrong, one line each.
func officeFindings(f officetest.File, b *officetest.Book) (found []string) {
	bad := func(format string, args ...any) { found = append(found, fmt.Sprintf(format, args...)) }
	xlsx := strings.HasSuffix(f.Name, ".xlsx")
	var all strings.Builder
	for _, s := range b.Sheets {
		all.WriteString(s.Name + "\n")
		if xlsx && regexp.MustCompile(`^(?i:sheet|blad)\d*$`).MatchString(s.Name) {
			bad("sheet %q: a sheet has no Swedish name", s.Name)
		}
		width := 0
		for r, row := range s.Rows {
			width = max(width, len(row))
			for c, cell := range row {
				all.WriteString(cell.Text + "\t")
				if cell.Formula != "" {
					bad("%s: is a formula %s (%q)", at(&s, r, c), cell.Formula, cell.Text)
				}
			}
			all.WriteString("\n")
		}
		if !xlsx && width == 1 {
			bad("each line is one cell: the fields are not separated by ;")
		}
	}
	text := all.String()
	if i := strings.IndexAny(text, "Ã\ufffd"); i >= 0 {
		bad("å ä ö are garbled: %s", around(text, []int{i, i + 2}))
	}
	if !xlsx {
		// Every å, ä and ö of the file is read as such.
		if want, got := countSwedish(string(f.Data)), countSwedish(text); got < want {
			bad("the file has %d of å ä ö, LibreOffice reads %d", want, got)
		}
		// A field that Excel would turn into a number and so change (a
		// leading zero lost, twelve digits in scientific notation) must be
		// read as the text it is.
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(f.Data, []byte("\ufeff"))))
		r.Comma, r.FieldsPerRecord, r.LazyQuotes = ';', -1, true
		if records, err := r.ReadAll(); err == nil {
			kept := map[string]bool{}
			for _, s := range b.Sheets {
				for _, row := range s.Rows {
					for _, c := range row {
						if c.Type == "string" {
							kept[c.Text] = true
						}
					}
				}
			}
			for _, rec := range records {
				for _, v := range rec {
					if codeLike.MatchString(v) && !kept[v] {
						bad("%q is not kept as text: Excel makes it a number", v)
					}
				}
			}
		}
	}
	if words := codeWordsIn(text); len(words) > 0 {
		bad("code words: %v", words)
	}

	for _, s := range b.Sheets {
		h := headerRow(s)
		if h < 0 {
			if len(s.Rows) > 0 {
				bad("sheet %q: no header row of names", s.Name)
			}
			continue
		}
		head := s.Rows[h]
		for c, cell := range head {
			if cell.Type != "string" {
				bad("%s: the header %q is a %s, not a name", at(&s, h, c), cell.Text, cell.Type)
			}
		}
		for r := h + 1; r < len(s.Rows); r++ {
			row := s.Rows[r]
			for c, cell := range row {
				name := ""
				if c < len(head) {
					name = strings.ToLower(head[c].Text)
				}
				// A code is text: under a header such as Kommun, or in a
				// row named so in a sheet of facts (Kommun | 1273).
				code := codeName(name) || c > 0 && codeName(strings.ToLower(row[0].Text))
				if msg := cellFinding(name, cell, xlsx, code); msg != "" {
					bad("%s (%s): %s", at(&s, r, c), name, msg)
				}
			}
		}
	}
	return found
}

// cellFinding checks a cell of a table below the header name.
func cellFinding(name string, cell officetest.Cell, xlsx, code bool) string {
	text := strings.TrimSpace(cell.Text)
	switch {
	case text == "":
	case strings.Contains(name, "personnummer"):
		if cell.Type != "string" {
			return fmt.Sprintf("the personnummer %q is a %s, not text", text, cell.Type)
		}
	case cell.Type == "float" && (strings.ContainsAny(text, "Ee") || math.Abs(parseFloat(cell.Value)) >= 1e9):
		return fmt.Sprintf("%q is a number of ten digits or more: an identifier is text", text)
	case cell.Type == "string" && numberLike.MatchString(text) && !codeLike.MatchString(text) && !code:
		return fmt.Sprintf("the number %q is text, not a number", text)
	case cell.Type == "string" && isoDay.MatchString(text) && xlsx:
		return fmt.Sprintf("the date %q is text, not a date", text)
	case cell.Type == "date" && isoMonth.MatchString(text):
		if !strings.HasSuffix(cell.Value, "-01") && !strings.Contains(cell.Value, "-01T") {
			return fmt.Sprintf("the date %s is shown as the month %q: only the 1st of a month may be", cell.Value, text)
		}
	case cell.Type == "date" && !isoDate.MatchString(text):
		return fmt.Sprintf("the date %s is shown as %q, not as 2026-08-15 (or 2026-08 for a month)", cell.Value, text)
	case cell.Type == "float" && xlsx && isShare(name):
		return fmt.Sprintf("the share %q is a plain number, not a percentage", text)
	case cell.Type == "float" && !xlsx && isShare(name) && !strings.Contains(cell.Value, "."):
		// In CSV a share is 12,5 % (a percentage) or 0,125; a whole
		// number under "Andel" is a percentage written without its sign.
		return fmt.Sprintf("the share %q is read as %s", text, cell.Value)
	}
	return ""
}

// parseFloat is the number s, or 0.
func parseFloat(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// codeName reports whether a column or row of this name holds codes.
func codeName(name string) bool { return codeNames.MatchString(strings.TrimSpace(name)) }

// isShare reports whether a column holds shares: "Andel nådda", "Procent".
func isShare(name string) bool {
	return strings.Contains(name, "andel") || strings.Contains(name, "procent") || strings.Contains(name, "%")
}

// headerRow is the row of a sheet's column names: of the rows of text
// before the first row with a typed value (a number, a date), the last
// that is as wide as the table, so that a title and a period above it are
// passed over; in a table of text only, the first as wide as the table.
// A row with a suppressed cell (–) is not a header.
func headerRow(s officetest.Sheet) int {
	width := 0
	for _, row := range s.Rows {
		width = max(width, filled(row))
	}
	h := -1
	for i, row := range s.Rows {
		if slices.ContainsFunc(row, func(c officetest.Cell) bool { return c.Type != "" && c.Type != "string" }) {
			return h
		}
		if filled(row) == width && !slices.ContainsFunc(row, func(c officetest.Cell) bool { return strings.TrimSpace(c.Text) == "–" }) {
			h = i
			if i+1 < len(s.Rows) && filled(s.Rows[i+1]) == width && !slices.ContainsFunc(s.Rows[i+1], func(c officetest.Cell) bool { return c.Type != "" && c.Type != "string" }) {
				// Two full rows of text in a row: a table of text only.
				return h
			}
		}
	}
	return h
}

// filled is the number of cells of row with something in them.
func filled(row []officetest.Cell) int {
	n := 0
	for _, c := range row {
		if strings.TrimSpace(c.Text) != "" {
			n++
		}
	}
	return n
}

// at names a cell: the sheet and A1.
func at(s *officetest.Sheet, r, c int) string {
	col := ""
	for n := c + 1; n > 0; n = (n - 1) / 26 {
		col = string(rune('A'+(n-1)%26)) + col
	}
	return fmt.Sprintf("%s!%s%d", s.Name, col, r+1)
}

// countSwedish counts å ä ö Å Ä Ö in s.
func countSwedish(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		if strings.ContainsRune("åäöÅÄÖ", r) {
			n++
		}
		s = s[size:]
	}
	return n
}
