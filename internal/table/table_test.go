package table_test

import (
	"testing"
	"time"

	"github.com/kaa-plattform/kaa/internal/table"
)

// A cell reads the Swedish way on the page (String) and as Swedish Excel
// reads a CSV field (Plain); only text is escaped by the writers.
func TestCellRenderings(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 11, 3, 9, 5, 0, 0, time.UTC)
	for _, c := range []struct {
		cell       table.Cell
		page, file string
		escaped    bool
	}{
		{table.N(12500), "12\u00a0500", "12500", false},
		{table.N(-3), "\u22123", "-3", false},
		{table.ID(12500), "12500", "12500", false},
		{table.Dec(3.25, 2), "3,25", "3,25", false},
		{table.Dec(-0.01, 1), "\u22120,0", "0", false},
		{table.Pct(1, 3), "33 %", "33,3%", false},
		{table.Pct(1, 2), "50 %", "50%", false},
		{table.Pct(1, 0), "–", "–", true},
		{table.Fraction(0.125), "13 %", "12,5%", false},
		{table.D(day), "2026-11-03", "2026-11-03", false},
		{table.D(time.Time{}), "", "", false},
		{table.M(day), "nov 2026", "2026-11", false},
		{table.At(day), "2026-11-03 09:05:00", "2026-11-03 09:05:00", false},
		{table.Tel("+46701234567"), "+46701234567", "+46701234567", false},
		{table.Hidden("<5"), "<5", "<5", true},
		{table.T("=1"), "=1", "=1", true},
		{table.T(""), "", "", false},
	} {
		if got := c.cell.String(); got != c.page {
			t.Errorf("%+v: page %q, want %q", c.cell, got, c.page)
		}
		if got := c.cell.Plain(); got != c.file {
			t.Errorf("%+v: file %q, want %q", c.cell, got, c.file)
		}
		if got := c.cell.Escaped(); got != c.escaped {
			t.Errorf("%+v: escaped %v, want %v", c.cell, got, c.escaped)
		}
	}
}
