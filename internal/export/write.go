package export

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/kaa-plattform/kaa/internal/csvsafe"
	"github.com/kaa-plattform/kaa/internal/sv"
)

// Labeller names a code of a label group in Swedish.
type Labeller func(group, code string) string

// Codebook is the table describing every variable: name, description and
// categories. A category is written as its Swedish label, in the data too
// (see value): a file for people reads no code words.
func Codebook(label Labeller) [][]string {
	out := [][]string{{"variabel", "beskrivning", "kategorier"}}
	for _, c := range Columns() {
		desc := c.Description
		if c.About[0] != "" {
			desc += label(c.About[0], c.About[1])
		}
		var cats []string
		for _, code := range c.Codes {
			cats = append(cats, label(c.Group, code))
		}
		out = append(out, []string{c.Name, desc, strings.Join(cats, "; ")})
	}
	return out
}

// Lines is the report as label and value, in order. scope names whose
// people the export holds; dataSHA is the SHA-256 of the data, when known.
func (r Report) Lines(projectName, scope, dataSHA string) [][2]string {
	lines := [][2]string{
		{"Projekt", projectName},
		{"Urval", scope},
		{"Period", r.From.Format("2006-01-02") + " – " + r.To.Format("2006-01-02")},
		{"Minsta gruppstorlek som krävs (k)", fmt.Sprint(r.K)},
		{"Minsta grupp i exporten", kReached(r.KReached)},
		{"Kvasiidentifierare", "kommun, delprojekt, kön, åldersgrupp, startperiod, slutperiod"},
		{"Tid redovisas per", TimeNames[r.Time]},
		{"Plats redovisas per", PlaceNames[r.Place]},
		{"Ålder redovisas som", AgeNames[r.Age]},
		{"Personer i urvalet", sv.Num(r.Rows)},
		{"Utelämnade rader (stack ut även efter generalisering)", sv.Num(r.Suppressed)},
		{"Rader i exporten", sv.Num(r.Exported)},
		{"Nyckelversion för id", fmt.Sprint(r.KeyVersion)},
	}
	if dataSHA != "" {
		lines = append(lines, [2]string{"SHA-256 av data.csv", dataSHA})
	}
	return lines
}

func kReached(k int) string {
	if k == 0 {
		return "– (exporten är tom)"
	}
	return fmt.Sprint(k)
}

// WriteZip writes the export as a zip of data.csv (UTF-8), kodbok.csv and
// rapport.txt, streaming the rows. It returns the SHA-256 of data.csv.
func (x *Prepared) WriteZip(ctx context.Context, w io.Writer, label Labeller, projectName, scope string) (string, error) {
	z := zip.NewWriter(w)
	f, err := z.Create("data.csv")
	if err != nil {
		return "", err
	}
	h := sha256.New()
	cw := csvsafe.NewWriter(io.MultiWriter(f, h))
	cols := Columns()
	line := make([]string, len(cols))
	for i, c := range cols {
		line[i] = c.Name
	}
	cw.Write(line)
	err = x.Each(ctx, func(r Row) error {
		for i, c := range cols {
			line[i] = c.text(r, label)
		}
		return cw.Write(line)
	})
	if err != nil {
		return "", err
	}
	if cw.Flush(); cw.Error() != nil {
		return "", cw.Error()
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if f, err = z.Create("kodbok.csv"); err != nil {
		return "", err
	}
	cw = csvsafe.NewWriter(f)
	for _, row := range Codebook(label) {
		cw.Write(row)
	}
	if cw.Flush(); cw.Error() != nil {
		return "", cw.Error()
	}
	if f, err = z.Create("rapport.txt"); err != nil {
		return "", err
	}
	for _, l := range x.Report.Lines(projectName, scope, sum) {
		fmt.Fprintf(f, "%s: %s\n", l[0], l[1])
	}
	return sum, z.Close()
}

// WriteXLSX writes the export as a workbook with the sheets Data, Rapport and
// Kodbok. The data sheet is streamed: excelize keeps at most a chunk of it in
// memory and the rest in a temporary file.
func (x *Prepared) WriteXLSX(ctx context.Context, w io.Writer, label Labeller, projectName, scope string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), "Data"); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter("Data")
	if err != nil {
		return err
	}
	cols := Columns()
	line := make([]any, len(cols))
	for i, c := range cols {
		line[i] = c.Name
	}
	if err := sw.SetRow("A1", line); err != nil {
		return err
	}
	n := 1
	err = x.Each(ctx, func(r Row) error {
		n++
		for i, c := range cols {
			line[i] = cellValue(c.text(r, label), c.numeric())
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, line)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	for _, sheet := range []struct {
		name string
		rows [][]string
	}{{"Rapport", reportRows(x.Report.Lines(projectName, scope, ""))}, {"Kodbok", Codebook(label)}} {
		if _, err := f.NewSheet(sheet.name); err != nil {
			return err
		}
		for i, row := range sheet.rows {
			cells := make([]any, len(row))
			for j, c := range row {
				cells[j] = c
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(sheet.name, cell, &cells); err != nil {
				return err
			}
		}
	}
	return f.Write(w)
}

// text is the column's value in row r as the file shows it: a category by
// its Swedish label.
func (c Column) text(r Row, label Labeller) string {
	v := c.value(r)
	if c.Group != "" && v != "" {
		return label(c.Group, v)
	}
	return v
}

func reportRows(lines [][2]string) [][]string {
	out := make([][]string, len(lines))
	for i, l := range lines {
		out[i] = []string{l[0], l[1]}
	}
	return out
}

// cellValue stores a count as a number Excel can sum; everything else as
// text, which .xlsx never runs as a formula.
func cellValue(s string, numeric bool) any {
	if !numeric || s == "" {
		return s
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return s
}
