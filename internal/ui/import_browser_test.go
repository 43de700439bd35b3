package ui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kaa-plattform/kaa/internal/seed"
)

// TestJourneyImportWorkbook: a coordinator at a desktop imports a school's
// workbook with the keyboard: the list is on the second sheet under a
// title, she looks at another sheet and back, sees the personnummer Excel
// changed and how it was repaired, and confirms; the reservnummer goes to
// the queue.
func TestJourneyImportWorkbook(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	k := keyboard{t, ctx}
	file := filepath.Join(t.TempDir(), "avbrott-ht-2026.xlsx")
	if err := os.WriteFile(file, schoolWorkbook(t), 0o644); err != nil {
		t.Fatal(err)
	}
	k.signIn(a.srv.URL, "samordnare@osby.demo", seed.DemoPassword)
	k.goTo(a.srv.URL + "/k/1273/deltagare/import")
	k.focus(`input[type="file"]`)
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{file})); err != nil {
		t.Fatal(err)
	}
	k.press(`main form button[type="submit"]`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="import-counts"]`)))
	k.waitText(`[data-testid="title-rows"]`, "Rubrikraden är rad 3")
	k.waitText(`[data-testid="import-rows"]`, "Personnumret rättat från ”803010024”.")
	k.waitText(`[data-testid="import-rows"]`, "Personnumret har blivit ”1,99E+11” i Excel")

	// Another sheet, and back.
	k.choose("#f-sheet", "Vt 2026")
	k.press(`[data-testid="sheet-choice"] button`, nil)
	k.waitText(`[data-testid="import-rows"]`, "Sten, Siv")
	k.choose("#f-sheet", "Avbrott ht 2026")
	k.press(`[data-testid="sheet-choice"] button`, nil)
	k.waitText(`[data-testid="import-rows"]`, "Öberg, Åsa")
	if counts := k.text(`[data-testid="import-counts"]`); !strings.Contains(counts, "1 nya") || !strings.Contains(counts, "1 utan giltigt personnummer") {
		t.Fatalf("the preview counts %q", counts)
	}

	k.press(`form[action$="/bekrafta"] button`, nil)
	k.waitText(".flash", "Importen är klar: 1 nya")
	k.waitText(".flash", "1 rad utan giltigt personnummer lades i kön")
	if n := a.count(`SELECT count(*) FROM participants WHERE personnummer = '200803010024' AND left_school_on = '2026-08-15'`); n != 1 {
		t.Error("the repaired personnummer was not imported with its avbrottsdatum")
	}
	k.goTo(a.srv.URL + "/k/1273/deltagare/import")
	k.press(`[data-testid="queue-link"] a`, chromedp.WaitVisible(chromedp.CSS(`[data-testid="unidentified-row"]`)))
	k.waitText(`[data-testid="unidentified-row"]`, "990101-R123")
}
