package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"golang.org/x/text/encoding/charmap"

	"github.com/kaa-plattform/kaa/internal/kaalist"
	"github.com/kaa-plattform/kaa/internal/kaalist/kaalisttest"
	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/personnummer"
)

// upload posts a file to Osby's import page as a browser would.
func (c *client) upload(name string, data []byte) response {
	c.a.t.Helper()
	res, err := c.uploadTo("1273", name, data)
	if err != nil {
		c.a.t.Fatal(err)
	}
	return res
}

// uploadTo posts a file to the import page of municipality key; it may be
// called from any goroutine.
func (c *client) uploadTo(key, name string, data []byte) (response, error) {
	return c.uploadFields(key, name, data, nil)
}

// uploadFields posts a file with other form fields (the encoding).
func (c *client) uploadFields(key, name string, data []byte, fields map[string]string) (response, error) {
	return c.sendFile("/k/"+key+"/deltagare/import", name, data, fields)
}

// sendFile posts a file (field "file") and other fields to path as a browser would.
func (c *client) sendFile(path, name string, data []byte, fields map[string]string) (response, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.a.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.c.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}, err
}

var countsRe = regexp.MustCompile(`([\d\x{a0}]+) nya</li><li>([\d\x{a0}]+) uppdateras</li><li>([\d\x{a0}]+) oförändrade</li><li>([\d\x{a0}]+) med fel`)

// preview uploads a file and returns the preview's URL and counts "new update unchanged error".
func (c *client) preview(name string, data []byte) (string, string) {
	c.a.t.Helper()
	res := c.upload(name, data)
	if res.Status != http.StatusSeeOther {
		c.a.t.Fatalf("upload %s: %d", name, res.Status)
	}
	page := c.get(res.Location)
	m := countsRe.FindStringSubmatch(page.Body)
	if m == nil {
		c.a.t.Fatalf("preview of %s has no counts (status %d)", name, page.Status)
	}
	return res.Location, strings.Join(m[1:], " ")
}

const kaaList = "Personnummer;Efternamn;Förnamn;Mobil;Orsak\n" +
	"20080301-0024;Andersson;Alva;0701234567;avbrott\n" +
	"070615-1230;Berg;Bo;;studiebevis\n" +
	"0803610021;Ceder;Cecilia;;\n" +
	"20080301-0025;Fel;Kontrollsiffra;;\n" +
	"080301-0024;Dubblett;Alva;;\n"

func TestImport(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	osby := a.orgID("1273")

	t.Run("PreviewWritesNothing", func(t *testing.T) {
		loc, counts := c.preview("lista.csv", []byte(kaaList))
		if counts != "3 0 0 2" {
			t.Errorf("counts new/update/unchanged/error = %s, want 3 0 0 2", counts)
		}
		if n := a.count(`SELECT count(*) FROM participants`); n != 0 {
			t.Errorf("the preview wrote %d participants", n)
		}
		c.post(loc+"/avbryt", url.Values{"bekraftat": {"ja"}})
	})

	t.Run("KeepsRowsNotFile", func(t *testing.T) {
		loc, _ := c.preview("lista.csv", []byte(kaaList))
		if n := a.count(`SELECT count(*) FROM information_schema.columns WHERE table_name = 'imports' AND data_type = 'bytea'`); n != 0 {
			t.Error("the imports table can still hold the file")
		}
		if n := a.count(`SELECT jsonb_array_length(content->'sheets'->0->'rows') FROM imports`); n != 6 {
			t.Errorf("%d rows kept, want the list's header and 5 rows", n)
		}
		// The preview reads the kept rows; it does not read a file again.
		a.db.Owner.Exec(context.Background(), `UPDATE imports SET content = jsonb_set(content, '{sheets,0,rows,1,2}', '"Ändrad"')`)
		if !strings.Contains(c.get(loc).Body, "Ändrad") {
			t.Error("the preview does not show the kept rows")
		}
		c.post(loc+"/avbryt", url.Values{"bekraftat": {"ja"}})
	})

	t.Run("ConfirmWritesValidRows", func(t *testing.T) {
		loc, _ := c.preview("lista.csv", []byte(kaaList))
		page := c.get(loc).Body
		for _, want := range []string{"kontrollsiffran", "Personnumret finns redan på rad 2"} {
			if !strings.Contains(page, want) {
				t.Errorf("the preview does not explain %q", want)
			}
		}
		res := c.post(loc+"/bekrafta", nil)
		if res.Status != http.StatusSeeOther {
			t.Fatalf("confirm: %d", res.Status)
		}
		if !strings.Contains(c.get(res.Location).Body, "3 nya, 0 uppdaterade, 0 oförändrade, 2 rader med fel") {
			t.Error("no summary after the import")
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE tenant_id = $1`, osby); n != 3 {
			t.Errorf("%d participants, want 3", n)
		}
		if n := a.count(`SELECT count(*) FROM enrolments WHERE tenant_id = $1 AND kind = 'kaa' AND registration_reason = 'dropped_out'`, osby); n != 1 {
			t.Errorf("Alva's KAA enrolment with reason dropped out: %d", n)
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE mobile = '+46701234567'`); n != 1 {
			t.Error("the mobile number was not normalised")
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'import.confirm' AND detail->>'new' = '3' AND detail->>'error' = '2'`); n != 1 {
			t.Error("the import is not in the audit log with its counts")
		}
		if n := a.count(`SELECT count(*) FROM imports`); n != 0 {
			t.Error("the uploaded file was kept after the import")
		}
		// Each person and enrolment the import created is audited like one made by hand.
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'participant.create' AND detail ? 'import'`); n != 3 {
			t.Errorf("%d participant.create rows from the import, want 3", n)
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'enrolment.start' AND detail ? 'import'`); n != 3 {
			t.Errorf("%d enrolment.start rows from the import, want 3", n)
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'import.preview'`); n == 0 {
			t.Error("previews are not audited")
		}
	})

	t.Run("SameFileTwiceChangesNothing", func(t *testing.T) {
		loc, counts := c.preview("lista.csv", []byte(kaaList))
		if counts != "0 0 3 2" {
			t.Errorf("second import: %s, want 0 0 3 2", counts)
		}
		before := a.count(`SELECT count(*) FROM participants WHERE updated_at > created_at`)
		c.post(loc+"/bekrafta", nil)
		if n := a.count(`SELECT count(*) FROM participants`); n != 3 {
			t.Errorf("%d participants after importing twice", n)
		}
		if after := a.count(`SELECT count(*) FROM participants WHERE updated_at > created_at`); after != before {
			t.Error("importing the same file again updated records")
		}
	})

	t.Run("ChangedRowIsAnUpdate", func(t *testing.T) {
		changed := strings.Replace(kaaList, "0701234567", "0737654321", 1)
		loc, counts := c.preview("lista.csv", []byte(changed))
		if counts != "0 1 2 2" {
			t.Fatalf("counts %s, want 0 1 2 2", counts)
		}
		if !strings.Contains(c.get(loc).Body, "Ändras: mobilnummer") {
			t.Error("the preview does not say what changes")
		}
		c.post(loc+"/bekrafta", nil)
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'participant.update' AND detail->'fields' ? 'mobilnummer'`); n != 1 {
			t.Errorf("the update by import is audited %d times with its field, want 1", n)
		}
		if res := c.post(loc+"/bekrafta", nil); res.Status != http.StatusNotFound {
			t.Errorf("confirming the same upload twice: %d, want 404", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE mobile = '+46737654321'`); n != 1 {
			t.Error("the update was not written")
		}
	})

	t.Run("Windows1252AndComma", func(t *testing.T) {
		text := "personnummer,förnamn,efternamn,ort\n071212-4569,Åsa,Öberg,Hässleholm\n"
		enc, _ := charmap.Windows1252.NewEncoder().Bytes([]byte(text))
		loc, counts := c.preview("fran-excel.csv", enc)
		if counts != "1 0 0 0" {
			t.Fatalf("counts %s", counts)
		}
		c.post(loc+"/bekrafta", nil)
		if n := a.count(`SELECT count(*) FROM participants WHERE first_name = 'Åsa' AND last_name = 'Öberg' AND city = 'Hässleholm'`); n != 1 {
			t.Error("Windows-1252 letters were not decoded")
		}
	})

	t.Run("TwentyOrOlderIsNotEnrolledInKAA", func(t *testing.T) {
		loc, _ := c.preview("lista.csv", []byte("personnummer;namn\n19991231-0019;Äldre Person\n"))
		if !strings.Contains(c.get(loc).Body, "Har fyllt 20") {
			t.Error("the preview does not say a 20-year-old gets no KAA enrolment")
		}
		c.post(loc+"/bekrafta", nil)
		if n := a.count(`SELECT count(*) FROM enrolments e JOIN participants p ON p.id = e.participant_id WHERE p.personnummer = '199912310019'`); n != 0 {
			t.Errorf("a 26-year-old got %d KAA enrolments", n)
		}
	})

	t.Run("XLSX", func(t *testing.T) {
		f := excelize.NewFile()
		for i, row := range [][]any{{"Personnr", "Elevnamn"}, {"0901012344", "Dahl, Doris"}} {
			f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row)
		}
		var buf bytes.Buffer
		f.Write(&buf)
		loc, counts := c.preview("lista.xlsx", buf.Bytes())
		if counts != "1 0 0 0" {
			t.Fatalf("counts %s", counts)
		}
		c.post(loc+"/bekrafta", nil)
		if n := a.count(`SELECT count(*) FROM participants WHERE first_name = 'Doris' AND last_name = 'Dahl'`); n != 1 {
			t.Error("the .xlsx row was not imported")
		}
	})

	t.Run("MappingStep", func(t *testing.T) {
		res := c.upload("konstig.csv", []byte("ID;Vem\n20080301-0024;Alva Andersson\n"))
		page := c.get(res.Location)
		if page.Status != http.StatusUnprocessableEntity || !strings.Contains(page.Body, "Välj kolumnen med Personnummer") {
			t.Fatalf("unknown headers: %d", page.Status)
		}
		if r := c.post(res.Location+"/mappning", url.Values{"personnummer": {"0"}, "name": {"0"}}); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "vald för både") {
			t.Errorf("one column for two fields: %d", r.Status)
		}
		if r := c.post(res.Location+"/mappning", url.Values{"personnummer": {"0"}, "name": {"1"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("mapping: %d", r.Status)
		}
		if m := countsRe.FindStringSubmatch(c.get(res.Location).Body); m == nil || m[3] != "1" {
			t.Errorf("after mapping: %v, want Alva unchanged", m)
		}
		if r := c.post(res.Location+"/avbryt", url.Values{"bekraftat": {"ja"}}); r.Status != http.StatusSeeOther || a.count(`SELECT count(*) FROM imports`) != 0 {
			t.Error("cancel did not remove the upload")
		}
		if a.count(`SELECT count(*) FROM audit_events WHERE action = 'import.cancel'`) == 0 {
			t.Error("cancel is not audited")
		}
	})

	t.Run("ErrBadFiles", func(t *testing.T) {
		for name, tc := range map[string]struct {
			file string
			data []byte
			msg  string
		}{
			"TooLarge":    {"stor.csv", bytes.Repeat([]byte("a"), 6<<20), "för stor"},
			"BrokenXLSX":  {"trasig.xlsx", []byte("PK\x03\x04 inte en zip"), "Excel-fil"},
			"Empty":       {"tom.csv", []byte("personnummer;namn\n"), "inga rader"},
			"UnknownType": {"lista.pdf", []byte("%PDF-1.4"), "Filtypen stöds inte"},
		} {
			t.Run(name, func(t *testing.T) {
				res := c.upload(tc.file, tc.data)
				if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.msg) {
					t.Errorf("status %d, message %q shown: %v", res.Status, tc.msg, strings.Contains(res.Body, tc.msg))
				}
			})
		}
		if n := a.count(`SELECT count(*) FROM imports`); n != 0 {
			t.Error("a refused file was stored")
		}
	})

	t.Run("NothingHalfWritten", func(t *testing.T) {
		before := a.count(`SELECT count(*) FROM participants`)
		// Make the database refuse one row in the middle of the list.
		_, err := a.db.Owner.Exec(context.Background(), `
			CREATE FUNCTION refuse_krasch() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN IF NEW.last_name = 'Krasch' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
			CREATE TRIGGER refuse_krasch BEFORE INSERT ON participants FOR EACH ROW EXECUTE FUNCTION refuse_krasch();`)
		if err != nil {
			t.Fatal(err)
		}
		list := "personnummer;förnamn;efternamn\n091231-2345;Ett;Först\n090601-2349;Två;Krasch\n090301-2342;Tre;Sist\n"
		loc, _ := c.preview("lista.csv", []byte(list))
		if res := c.post(loc+"/bekrafta", nil); res.Status != http.StatusInternalServerError {
			t.Errorf("confirm with a refused row: %d", res.Status)
		}
		if after := a.count(`SELECT count(*) FROM participants`); after != before {
			t.Errorf("%d rows were written before the failure", after-before)
		}
		if a.count(`SELECT count(*) FROM imports`) != 1 {
			t.Error("the upload should remain so the import can be retried")
		}
	})

	t.Run("UploadsOlderThanADayAreGone", func(t *testing.T) {
		loc := c.upload("lista.csv", []byte(kaaList)).Location
		a.db.Owner.Exec(context.Background(), `UPDATE imports SET created_at = now() - interval '25 hours'`)
		if res := c.get(loc); res.Status != http.StatusNotFound {
			t.Errorf("a day-old upload: %d, want 404", res.Status)
		}
		// The server's sweep removes them in every municipality, and nothing newer.
		stale := a.count(`SELECT count(*) FROM imports`)
		n, err := participant.PurgeStaleImports(context.Background(), a.db.App)
		if err != nil || n != int64(stale) || stale == 0 {
			t.Errorf("purge as the serving role: %d, %v; want %d", n, err, stale)
		}
		fresh := c.upload("lista.csv", []byte(kaaList)).Location
		if n, _ := participant.PurgeStaleImports(context.Background(), a.db.App); n != 0 {
			t.Errorf("the sweep removed %d fresh uploads", n)
		}
		if res := c.get(fresh); res.Status != 200 {
			t.Errorf("the sweep removed a fresh upload: %d", res.Status)
		}
		a.db.Owner.Exec(context.Background(), `DELETE FROM imports`)
	})

	t.Run("AnotherUsersUploadIsNotFound", func(t *testing.T) {
		loc := c.upload("lista.csv", []byte(kaaList)).Location
		other := a.client()
		other.signIn("flera@within.demo")
		if res := other.get(loc); res.Status != http.StatusNotFound {
			t.Errorf("a colleague opens my upload: %d", res.Status)
		}
		if res := other.post(loc+"/bekrafta", nil); res.Status != http.StatusNotFound {
			t.Errorf("a colleague confirms my upload: %d", res.Status)
		}
	})
}

// TestImportLargeList imports 10,000 rows in one go (its speed is measured by
// the benchmarks, not here).
func TestImportLargeList(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("large import")
	}
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	var b strings.Builder
	b.WriteString("personnummer;förnamn;efternamn;mobil\n")
	for i := 0; i < 10000; i++ {
		birth := time.Date(2007, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%1000).Format("060102")
		nine := fmt.Sprintf("%s%03d", birth, 1+i/1000) // serial 000 does not exist
		fmt.Fprintf(&b, "%s-%s%d;Förnamn%d;Efternamn;0701%06d\n", nine[:6], nine[6:], personnummer.CheckDigit(nine), i, i)
	}
	loc, counts := c.preview("stor.csv", []byte(b.String()))
	if counts != "10\u00a0000 0 0 0" { // as Swedes write it, the space unbreakable
		t.Fatalf("counts %s", counts)
	}
	if res := c.post(loc+"/bekrafta", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", res.Status)
	}
	if n := a.count(`SELECT count(*) FROM participants`); n != 10000 {
		t.Errorf("%d participants", n)
	}
	a.assertSummary()
}

// bombs are files that are small to send and huge to read, each with the
// words of the Swedish refusal that names the limit it breaks.
func bombs() []struct {
	name, file, limit string
	data              []byte
} {
	rows := strings.Repeat("20080301-0024;Alva Andersson\n", kaalist.MaxRows+1)
	return []struct {
		name, file, limit string
		data              []byte
	}{
		// The attack of issue 16: about 50 KiB that unpack to 50 MiB in few rows.
		{"XLSXBomb", "lista.xlsx", "högst 16 MB", kaalisttest.Bomb(5, 10<<20)},
		{"XLSXSharedStrings", "lista.xlsx", "högst 4 MB", kaalisttest.SharedStringsBomb(kaalist.MaxSharedStrings + 1)},
		// Just under the uncompressed limit: excelize reads it, the first cell over the limit stops it.
		{"XLSXLongCell", "lista.xlsx", "högst 1 000 tecken per cell", kaalisttest.Bomb(1, kaalist.MaxUnzipped-64<<10)},
		// About 4.8 MB: 19,800 sheets each holding only an empty row 1048576.
		{"XLSXSheetBomb", "lista.xlsx", "högst 50 blad", kaalisttest.SheetBomb(19800)},
		{"CSVTooManyRows", "lista.csv", "fler än 20 000 rader", []byte("personnummer;namn\n" + rows)},
		{"CSVLongCell", "lista.csv", "högst 1 000 tecken per cell", []byte("personnummer;namn\n20080301-0024;" + strings.Repeat("Å", kaalist.MaxCellLen+1) + "\n")},
		{"CSVTooManyCells", "lista.csv", "fler än 1 000 000 celler", []byte(strings.Repeat(strings.Repeat("x;", kaalist.MaxColumns-1)+"x\n", kaalist.MaxCells/kaalist.MaxColumns+1))},
	}
}

// TestImportBombs: each file over a limit is refused next to the file field
// with status 422 and a Swedish message naming the limit, and nothing is
// stored.
func TestImportBombs(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	for _, b := range bombs() {
		t.Run(b.name, func(t *testing.T) {
			res := c.upload(b.file, b.data)
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, b.limit) || !strings.Contains(res.Body, `id="f-file-error"`) {
				t.Errorf("%d KiB: status %d, %q next to the file field: %v", len(b.data)>>10, res.Status, b.limit, strings.Contains(res.Body, b.limit))
			}
		})
	}
	if n := a.count(`SELECT count(*) FROM imports`) + a.count(`SELECT count(*) FROM audit_events WHERE action = 'import.upload'`); n != 0 {
		t.Errorf("refused files left %d rows", n)
	}
}

// memory is the Go heap in use and the process's resident set, now and at
// its peak since /proc/self/clear_refs was last given "5".
type memory struct{ heap, rss, hwm uint64 }

func readMemory(t *testing.T) memory {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := memory{heap: ms.HeapInuse}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Logf("no /proc/self/status: %v", err)
		return m
	}
	for _, line := range strings.Split(string(status), "\n") {
		var kb uint64
		if _, err := fmt.Sscanf(line, "VmRSS: %d kB", &kb); err == nil {
			m.rss = kb << 10
		} else if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &kb); err == nil {
			m.hwm = kb << 10
		}
	}
	return m
}

// peakHeap samples the Go heap in use until stop is closed and returns the
// highest value seen.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	peak := make(chan uint64, 1)
	go func() {
		var top uint64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			top = max(top, ms.HeapInuse)
			select {
			case <-stop:
				peak <- top
				return
			case <-tick.C:
			}
		}
	}()
	return peak
}

// TestImportBombsAtOnce is the attack of issue 16: six bombs uploaded at
// once by one municipality. The server's memory grows by less than 256 MiB,
// every bomb is refused naming its limit, and another municipality's
// coordinator gets her list of young people in under 2 s meanwhile.
func TestImportBombsAtOnce(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	attacker := a.client()
	attacker.signIn("samordnare@osby.demo")
	attacker.get("/k/1273/deltagare/import") // entering Osby renews the session once, before the uploads share it
	other := a.client()
	other.signIn("samordnare@kristianstad.demo")
	if res := other.get("/k/1290/deltagare"); res.Status != http.StatusOK {
		t.Fatalf("Kristianstad's list: %d", res.Status)
	}
	six := bombs()
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // VmHWM starts again from the present RSS
	before := readMemory(t)
	stop := make(chan struct{})
	peak := peakHeap(stop)

	type result struct {
		name, limit string
		res         response
		err         error
	}
	results := make(chan result, len(six))
	start := time.Now()
	for _, b := range six {
		go func() {
			res, err := attacker.uploadTo("1273", b.file, b.data)
			results <- result{b.name, b.limit, res, err}
		}()
	}
	// Meanwhile Kristianstad works as usual.
	var pages []time.Duration
	done := 0
	for done < len(six) {
		select {
		case r := <-results:
			done++
			if r.err != nil || r.res.Status != http.StatusUnprocessableEntity || !strings.Contains(r.res.Body, r.limit) {
				t.Errorf("%s: status %d %s, %v; refusal naming %q: %v", r.name, r.res.Status, r.res.Location, r.err, r.limit, strings.Contains(r.res.Body, r.limit))
			}
		default:
			t0 := time.Now()
			if res := other.get("/k/1290/deltagare"); res.Status != http.StatusOK {
				t.Errorf("Kristianstad's list during the attack: %d", res.Status)
			}
			pages = append(pages, time.Since(t0))
		}
	}
	attack := time.Since(start)
	close(stop)
	after, heap := readMemory(t), <-peak

	slices.Sort(pages)
	slowest := pages[len(pages)-1]
	t.Logf("six bombs refused in %v; Go heap in use %d MiB, at most %d MiB (+%d); RSS %d MiB, at most %d MiB (+%d); Kristianstad's list %d times, median %v, slowest %v",
		attack.Round(time.Millisecond), before.heap>>20, heap>>20, (heap-min(heap, before.heap))>>20,
		before.rss>>20, after.hwm>>20, (after.hwm-min(after.hwm, before.rss))>>20,
		len(pages), pages[len(pages)/2].Round(time.Millisecond), slowest.Round(time.Millisecond))
	const limit = 256 << 20
	if heap > before.heap+limit {
		t.Errorf("the Go heap grew by %d MiB, want < 256", (heap-before.heap)>>20)
	}
	if before.rss > 0 && !raceDetector && after.hwm > before.rss+limit {
		t.Errorf("the resident set grew by %d MiB, want < 256", (after.hwm-before.rss)>>20)
	}
	if slowest >= 2*time.Second {
		t.Errorf("Kristianstad's list took %v during the attack, want < 2 s", slowest)
	}
	if n := a.count(`SELECT count(*) FROM imports`); n != 0 {
		t.Errorf("%d bombs stored", n)
	}
}

// TestImportSlots: while one municipality's import slots are all taken, its
// next import is turned away with 503, Retry-After and a Swedish message,
// and nothing is read or stored; another municipality's pages are served,
// and so are its imports until the server's slots are all taken too.
func TestImportSlots(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	osby := a.client()
	osby.signIn("samordnare@osby.demo")
	other := a.client()
	other.signIn("samordnare@kristianstad.demo")
	busy := func(res response) bool {
		return res.Status == http.StatusServiceUnavailable && res.Header.Get("Retry-After") != "" &&
			strings.Contains(res.Body, "Många listor importeras just nu") && strings.Contains(res.Body, `id="f-file-error"`)
	}

	releaseOsby, ok := a.h.HoldImportSlot(a.orgID("1273"), 50*time.Millisecond)
	if !ok {
		t.Fatal("no import slot for Osby")
	}
	if res := osby.upload("lista.csv", []byte(kaaList)); !busy(res) {
		t.Errorf("Osby's second import at once: %d %q", res.Status, res.Header.Get("Retry-After"))
	}
	if n := a.count(`SELECT count(*) FROM imports`); n != 0 {
		t.Errorf("an import turned away stored %d uploads", n)
	}
	t0 := time.Now()
	if res := other.get("/k/1290/deltagare"); res.Status != http.StatusOK {
		t.Errorf("Kristianstad's list while Osby's imports are busy: %d", res.Status)
	}
	t.Logf("Kristianstad's list while Osby's import slots are taken: %v", time.Since(t0).Round(time.Millisecond))
	if res, err := other.uploadTo("1290", "lista.csv", []byte(kaaList)); err != nil || res.Status != http.StatusSeeOther {
		t.Errorf("Kristianstad's import while Osby's is busy: %d %v", res.Status, err)
	}

	// Every slot of the server taken, by Osby and others: Kristianstad's
	// import waits its turn, its pages do not.
	held := []func(){releaseOsby}
	for _, key := range []string{"1293", "1266", "1256", "1272"} {
		if release, ok := a.h.HoldImportSlot(a.orgID(key), 50*time.Millisecond); ok {
			held = append(held, release)
		}
	}
	if res, _ := other.uploadTo("1290", "lista.csv", []byte(kaaList)); !busy(res) {
		t.Errorf("an import with the server's %d slots all taken: %d", len(held), res.Status)
	}
	if res := other.get("/k/1290/deltagare"); res.Status != http.StatusOK {
		t.Errorf("Kristianstad's list while every import slot is taken: %d", res.Status)
	}
	if len(held) > 4 {
		t.Errorf("%d imports at once, want at most 4", len(held))
	}
	for _, release := range held {
		release()
	}
	if res := osby.upload("lista.csv", []byte(kaaList)); res.Status != http.StatusSeeOther {
		t.Errorf("Osby's import once the slots are free: %d", res.Status)
	}
}

// uploadWith posts a file with other form fields to Osby's import page.
func (c *client) uploadWith(name string, data []byte, fields map[string]string) response {
	c.a.t.Helper()
	res, err := c.uploadFields("1273", name, data, fields)
	if err != nil {
		c.a.t.Fatal(err)
	}
	return res
}

// pnr10 is a valid YYMMDDNNNC for the date and three-digit serial given.
func pnr10(yymmdd, serial string) string {
	return yymmdd + serial + fmt.Sprint(personnummer.CheckDigit(yymmdd+serial))
}

// schoolWorkbook is a list as a school administration sends it: an
// instructions sheet first, then the list under a title and a blank row,
// with personnummer Excel stored as numbers, a reservnummer, a real date
// cell and a serial date; a second list on a third sheet, and an empty
// sheet.
func schoolWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Instruktioner")
	f.SetCellValue("Instruktioner", "A1", "Skicka listan till KAA-samordnaren.")
	rows := [][]any{
		{"Elever som avbrutit studier ht 2026"}, nil,
		{"Personnr", "Elevens namn", "Skola", "Studieväg", "Datum för avbrott", "Registreringsdatum"},
		{803010024, "Öberg, Åsa", "Hässleholms tekniska skola", "EE", time.Date(2026, 8, 15, 0, 0, 0, 0, time.UTC), 46250},
		{"1,99E+11", "Ek, Bo", "Jacobsskolan", "SA", "15/8/2026", nil},
		{"990101-R123", "Ek, Eva", "Jacobsskolan", "IMA", "15.8.2026", nil},
		{pnr10("090102", "234"), "Lind, Leo", "Jacobsskolan", "NA", "2099-01-01", nil},
	}
	f.NewSheet("Avbrott ht 2026")
	for i, r := range rows {
		if r != nil {
			f.SetSheetRow("Avbrott ht 2026", fmt.Sprintf("A%d", i+1), &r)
		}
	}
	f.NewSheet("Tomt")
	f.NewSheet("Vt 2026")
	for i, r := range [][]any{{"Personnummer", "Förnamn", "Efternamn"}, {pnr10("080505", "123"), "Siv", "Sten"}} {
		f.SetSheetRow("Vt 2026", fmt.Sprintf("A%d", i+1), &r)
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestImportSchoolLists imports lists as schools send them: a workbook
// with several sheets and title rows, numbers and dates as Excel leaves
// them, a reservnummer, and a second list compared with the first.
func TestImportSchoolLists(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	osby := a.orgID("1273")
	ctx := context.Background()

	var loc string
	t.Run("SheetTitleRowsRepairedNumbers", func(t *testing.T) {
		var counts string
		loc, counts = c.preview("avbrott.xlsx", schoolWorkbook(t))
		if counts != "1 0 0 2" {
			t.Errorf("counts new/update/unchanged/error = %s, want 1 0 0 2", counts)
		}
		page := c.get(loc).Body
		for _, want := range []string{
			`<option value="1" selected>Avbrott ht 2026</option>`, // the instructions sheet is passed over
			"Rubrikraden är rad 3. Raderna ovanför hoppas över:", "”Elever som avbrutit studier ht 2026”",
			"Personnumret rättat från ”803010024”.", "Avbrottsdatum 2026-08-15. ", "Registreras från 2026-08-16. ",
			"Personnumret har blivit ”1,99E+11” i Excel, och siffror har gått förlorade.",
			"990101-R123", "Saknar giltigt personnummer",
			"Avbrottsdatumet 2099-01-01 ligger i framtiden. Rätta datumet i filen.",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the preview does not show %q", want)
			}
		}
	})

	t.Run("EmptySheetRefused", func(t *testing.T) {
		res := c.post(loc+"/blad", url.Values{"sheet": {"2"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Bladet ”Tomt” är tomt. Välj ett annat blad.") {
			t.Errorf("empty sheet: %d", res.Status)
		}
		if n := a.count(`SELECT (content->>'sheet')::int FROM imports`); n != 1 {
			t.Errorf("the refused choice was stored: sheet %d", n)
		}
	})

	t.Run("OtherSheet", func(t *testing.T) {
		if res := c.post(loc+"/blad", url.Values{"sheet": {"3"}}); res.Status != http.StatusSeeOther {
			t.Fatalf("choose sheet: %d", res.Status)
		}
		if page := c.get(loc).Body; !strings.Contains(page, "Sten, Siv") || strings.Contains(page, "Öberg") {
			t.Error("the preview does not show the chosen sheet")
		}
		c.post(loc+"/blad", url.Values{"sheet": {"1"}})
	})

	t.Run("ConfirmStoresDatesSchoolAndQueue", func(t *testing.T) {
		if res := c.post(loc+"/bekrafta", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("confirm: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM participants WHERE tenant_id = $1 AND personnummer = '200803010024'
			AND school = 'Hässleholms tekniska skola' AND programme = 'EE' AND left_school_on = '2026-08-15' AND identified_on = '2026-08-16'`, osby); n != 1 {
			t.Error("Åsa is not stored with her school, programme, avbrottsdatum and registration date")
		}
		if n := a.count(`SELECT count(*) FROM enrolments WHERE tenant_id = $1 AND kind = 'kaa' AND starts_on = '2026-08-16'`, osby); n != 1 {
			t.Error("the KAA enrolment does not start on the list's registration date")
		}
		if n := a.count(`SELECT count(*) FROM import_unidentified WHERE tenant_id = $1 AND number = '990101-R123' AND first_name = 'Eva' AND line = 6`, osby); n != 1 {
			t.Error("the reservnummer row is not in the queue")
		}
		if body := c.get("/k/1273/att-gora").Body; !strings.Contains(body, `href="/k/1273/deltagare/import/saknar-personnummer"`) {
			t.Error("Att göra does not point to the queue Saknar giltigt personnummer")
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'import.confirm' AND detail->>'unidentified' = '1' AND detail->>'source' = 'fil'`); n != 1 {
			t.Error("the confirmation's audit row lacks the queued row or the source")
		}
	})

	t.Run("SameWorkbookAgainChangesNothing", func(t *testing.T) {
		tables := `SELECT (SELECT count(*) FROM participants) + (SELECT count(*) FROM enrolments) * 1000 + (SELECT count(*) FROM import_unidentified) * 100000
			+ (SELECT count(*) FROM import_lists) * 10000000 + (SELECT count(*) FROM participants WHERE updated_at > created_at) * 1000000000`
		before := a.count(tables)
		loc2, counts := c.preview("avbrott.xlsx", schoolWorkbook(t))
		if counts != "0 0 1 2" {
			t.Errorf("counts %s, want 0 0 1 2", counts)
		}
		if page := c.get(loc2).Body; !strings.Contains(page, "Alla från förra listan finns med.") {
			t.Error("the preview does not compare with the previous list")
		}
		c.post(loc2+"/bekrafta", nil)
		if after := a.count(tables); after != before {
			t.Errorf("importing the same workbook again changed something: %d, was %d", after, before)
		}
	})

	t.Run("GoneFromTheNextList", func(t *testing.T) {
		next := "Personnummer;Förnamn;Efternamn\n" + pnr10("080505", "123") + ";Siv;Sten\n"
		loc3, counts := c.preview("avbrott-vt.csv", []byte(next))
		if counts != "1 0 0 0" {
			t.Errorf("counts %s", counts)
		}
		page := c.get(loc3).Body
		pid := a.count(`SELECT id FROM participants WHERE personnummer = '200803010024'`)
		for _, want := range []string{"Inte med på den här listan (1)", fmt.Sprintf(`href="/k/1273/deltagare/%d"`, pid), "Öberg, Åsa",
			"registrerad i KAA-registret, kandidat för avregistrering", "avbrott.xlsx"} {
			if !strings.Contains(page, want) {
				t.Errorf("the comparison does not show %q", want)
			}
		}
		c.post(loc3+"/bekrafta", nil)
		if n := a.count(`SELECT count(*) FROM enrolments WHERE participant_id = $1 AND ends_on IS NULL`, pid); n != 1 {
			t.Error("someone gone from the list was avregistrerad by the import")
		}
		if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'import.compare' AND detail->>'gone' = '1'`); n == 0 {
			t.Error("showing who is gone is not audited")
		}
	})

	t.Run("Queue", func(t *testing.T) {
		if !strings.Contains(c.get("/k/1273/deltagare/import").Body, "Saknar giltigt personnummer (1)") {
			t.Error("the import page does not point to the queue")
		}
		q := "/k/1273/deltagare/import/saknar-personnummer"
		page := c.get(q).Body
		if !strings.Contains(page, "990101-R123") || !strings.Contains(page, "Ek, Eva") {
			t.Fatal("the queue does not list the row with its number as written")
		}
		uid := a.count(`SELECT id FROM import_unidentified`)
		field := fmt.Sprintf("pnr_%d", uid)
		res := c.post(fmt.Sprintf("%s/%d/registrera", q, uid), url.Values{field: {"990101-1234"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "kontrollsiffran") {
			t.Errorf("a wrong personnummer: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM import_unidentified`); n != 1 {
			t.Error("a refused resolution removed the row")
		}
		good := pnr10("090101", "123")
		res = c.post(fmt.Sprintf("%s/%d/registrera", q, uid), url.Values{field: {good}})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("resolve: %d", res.Status)
		}
		if n := a.count(`SELECT count(*) FROM participants p JOIN enrolments e ON e.participant_id = p.id
			WHERE p.first_name = 'Eva' AND p.school = 'Jacobsskolan' AND p.left_school_on = '2026-08-15' AND e.kind = 'kaa'`); n != 1 {
			t.Error("the resolved row is not registered with the list's data")
		}
		if n := a.count(`SELECT count(*) FROM import_unidentified`) + a.count(`SELECT count(*) FROM audit_events WHERE action = 'import_unidentified.resolve'`); n != 1 {
			t.Error("the row is still queued, or its resolution is not audited")
		}
		// Removing a row asks first.
		a.db.Owner.Exec(ctx, `INSERT INTO import_unidentified (tenant_id, source, filename, line, number, first_name, last_name, created_by)
			VALUES ($1, 'fil', 'lista.csv', 3, 'T1234567', 'Ola', 'Ek', $2)`, osby, a.userID("samordnare@osby.demo"))
		uid = a.count(`SELECT id FROM import_unidentified`)
		if res := c.post(fmt.Sprintf("%s/%d/ta-bort", q, uid), nil); !strings.Contains(res.Body, "Ta bort raden ur kön?") || a.count(`SELECT count(*) FROM import_unidentified`) != 1 {
			t.Error("removing a row does not ask first")
		}
		if res := c.post(fmt.Sprintf("%s/%d/ta-bort", q, uid), url.Values{"bekraftat": {"ja"}}); res.Status != http.StatusSeeOther || a.count(`SELECT count(*) FROM import_unidentified`) != 0 {
			t.Error("the row was not removed")
		}
	})
}

// TestImportRefusesBadFiles: each file is refused with a Swedish sentence
// next to the file field, status 422, and nothing is stored.
func TestImportRefusesBadFiles(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	cfb := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	protected := append(cfb, []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e\x00")...)
	empty := excelize.NewFile()
	empty.NewSheet("Blad2")
	emptyBook, _ := empty.WriteToBuffer()
	garbled := []byte("Personnummer;Namn\r\n20080301-0024;J\x84rn H\x86kansson\r\n") // IBM 850, read as Windows-1252
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{"Empty", "lista.csv", nil, "Filen innehåller inga rader att importera."},
		{"OnlyHeader", "lista.csv", []byte("Personnummer;Namn\r\n"), "Filen har bara en rubrikrad och inga rader med personer."},
		{"NotASpreadsheet", "lista.csv", []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n"), "Filen är inte ett kalkylark"},
		{"PasswordProtected", "lista.xlsx", protected, "Excel-filen är lösenordsskyddad"},
		{"EmptyWorkbook", "lista.xlsx", emptyBook.Bytes(), "Filen innehåller inga rader att importera."},
		{"WrongEncoding", "lista.csv", garbled, "Tecknen i filen ser felaktiga ut"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := c.upload(tc.file, tc.data)
			if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.want) {
				t.Errorf("status %d, want 422 with %q", res.Status, tc.want)
			}
			if n := a.count(`SELECT count(*) FROM imports`); n != 0 {
				t.Errorf("%d uploads stored", n)
			}
		})
	}
	t.Run("WrongEncodingShowsRowsAndChoice", func(t *testing.T) {
		res := c.upload("lista.csv", garbled)
		if !strings.Contains(res.Body, `data-testid="encoding-sample"`) || !strings.Contains(res.Body, "J„rn H†kansson") ||
			!strings.Contains(res.Body, `<option value="ibm850">`) {
			t.Error("the refusal does not show the rows as read and the encodings to choose")
		}
		res = c.uploadWith("lista.csv", garbled, map[string]string{"encoding": "ibm850"})
		if res.Status != http.StatusSeeOther {
			t.Fatalf("with the encoding chosen: %d", res.Status)
		}
		if page := c.get(res.Location).Body; !strings.Contains(page, "Håkansson, Järn") {
			t.Error("the chosen encoding was not used")
		}
	})
}

// TestImportSenders: each school's list is compared with that school's
// previous list only, so that school B's list marks none of school A's
// pupils as gone; the form offers the senders of earlier lists and the
// preview names the list it compares with.
func TestImportSenders(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	ada, bo, cilla := pnr10("090101", "123"), pnr10("090202", "234"), pnr10("090303", "345")
	send := func(sender, file, list string) string {
		t.Helper()
		res, err := c.uploadFields("1273", file, []byte("Personnummer;Förnamn;Efternamn\n"+list), map[string]string{"sender": sender})
		if err != nil || res.Status != http.StatusSeeOther {
			t.Fatalf("upload %s from %q: %d %v", file, sender, res.Status, err)
		}
		return res.Location
	}
	loc := send("Hässleholms tekniska skola", "a.csv", ada+";Ada;Ek\n"+bo+";Bo;Berg\n")
	c.post(loc+"/bekrafta", nil)
	if n := a.count(`SELECT count(*) FROM import_lists WHERE source = 'fil:hassleholms-tekniska-skola'`); n != 1 {
		t.Fatalf("school A's list is not kept under its sender: %d", n)
	}
	// School B's list does not mark school A's pupils.
	loc = send("Jacobsskolan", "b.csv", cilla+";Cilla;Ceder\n")
	if page := c.get(loc).Body; strings.Contains(page, "kandidat för avregistrering") || strings.Contains(page, "Inte med på den här listan") {
		t.Error("school B's list is compared with school A's")
	}
	c.post(loc+"/bekrafta", nil)
	if page := c.get("/k/1273/deltagare/import").Body; !strings.Contains(page, `<datalist id="f-sender-list"><option value="jacobsskolan"></option><option value="hassleholms tekniska skola"></option></datalist>`) {
		t.Error("the upload form does not offer the earlier senders")
	}
	// School A's next list, sent under the name the form offers, is compared with A's.
	loc = send("hassleholms tekniska skola", "a2.csv", ada+";Ada;Ek\n")
	page := c.get(loc).Body
	for _, want := range []string{"Inte med på den här listan (1)", "Berg, Bo", "Jämfört med förra listan från hassleholms tekniska skola, a.csv, som importerades"} {
		if !strings.Contains(page, want) {
			t.Errorf("the comparison does not show %q", want)
		}
	}
	if strings.Contains(page, "Ceder") {
		t.Error("school A's list is compared with school B's")
	}
	// A sender too long is refused next to its field.
	res, _ := c.uploadFields("1273", "a.csv", []byte("Personnummer;Namn\n"+ada+";Ada Ek\n"), map[string]string{"sender": strings.Repeat("x", 101)})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="f-sender-error"`) {
		t.Errorf("a long sender: %d", res.Status)
	}
}

// TestImportQueueConflicts: the message after an import counts the rows
// that went into the queue "Saknar giltigt personnummer", says which were
// there already, and names a row left out because its number is queued
// for someone else (two schools may give the same school-local number).
func TestImportQueueConflicts(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.client()
	c.signIn("samordnare@osby.demo")
	apply := func(file, list string) string {
		t.Helper()
		loc, _ := c.preview(file, []byte("Personnummer;Förnamn;Efternamn\n"+list))
		if res := c.post(loc+"/bekrafta", nil); res.Status != http.StatusSeeOther {
			t.Fatalf("confirm %s: %d", file, res.Status)
		}
		return c.get("/k/1273/deltagare").Body
	}
	page := apply("a.csv", "R1234567;Eva;Ek\n")
	if !strings.Contains(page, "1 rad utan giltigt personnummer lades i kön") {
		t.Error("the queued row is not counted")
	}
	page = apply("b.csv", "R1234567;Eva;Ek\nR1234567X;Per;Ek\n990101-R123;Ida;Sten\n")
	if !strings.Contains(page, "2 rader utan giltigt personnummer lades i kön") || !strings.Contains(page, "1 rad utan giltigt personnummer fanns redan i kön") {
		t.Error("a row already queued is counted as queued")
	}
	page = apply("c.csv", "R1234567;Ola;Berg\n")
	want := "Rad 2 (Ola Berg): numret ”R1234567” finns redan i kön för Eva Ek från a.csv, så raden lades inte i kön."
	if !strings.Contains(page, want) || strings.Contains(page, "lades i kön ”Saknar") {
		t.Errorf("the conflict is not reported: %q", want)
	}
	if n := a.count(`SELECT count(*) FROM import_unidentified`); n != 3 {
		t.Errorf("%d rows queued, want 3", n)
	}
	if n := a.count(`SELECT count(*) FROM audit_events WHERE action = 'import.confirm' AND detail->>'queue_conflicts' = '1'`); n != 1 {
		t.Error("the conflict is not in the confirmation's audit row")
	}
}
