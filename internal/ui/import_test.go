package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kaa-plattform/kaa/internal/participant"
	"github.com/kaa-plattform/kaa/internal/personnummer"
	"golang.org/x/text/encoding/charmap"
)

// upload posts a file to the import page as a browser would.
func (c *client) upload(name string, data []byte) response {
	c.a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", c.a.srv.URL+"/k/1273/deltagare/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.c.Do(req)
	if err != nil {
		c.a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}
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
	"20080301-0008;Andersson;Alva;0701234567;avbrott\n" +
	"070615-1230;Berg;Bo;;studiebevis\n" +
	"0803610005;Ceder;Cecilia;;\n" +
	"20080301-0009;Fel;Kontrollsiffra;;\n" +
	"080301-0008;Dubblett;Alva;;\n"

func TestImport(t *testing.T) {
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
		loc, _ := c.preview("lista.csv", []byte("personnummer;namn\n19991231-0001;Äldre Person\n"))
		if !strings.Contains(c.get(loc).Body, "Har fyllt 20") {
			t.Error("the preview does not say a 20-year-old gets no KAA enrolment")
		}
		c.post(loc+"/bekrafta", nil)
		if n := a.count(`SELECT count(*) FROM enrolments e JOIN participants p ON p.id = e.participant_id WHERE p.personnummer = '199912310001'`); n != 0 {
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
		res := c.upload("konstig.csv", []byte("ID;Vem\n20080301-0008;Alva Andersson\n"))
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
		nine := fmt.Sprintf("%s%03d", birth, i/1000)
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
