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

	"github.com/kaa-plattform/kaa/internal/csvsafe"
	"github.com/kaa-plattform/kaa/internal/sheet"
	"github.com/kaa-plattform/kaa/internal/table"
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
func (r Report) Lines(projectName, scope, dataSHA string) []table.Pair {
	lines := []table.Pair{
		{Label: "Projekt", Value: table.T(projectName)},
		{Label: "Urval", Value: table.T(scope)},
		{Label: "Period", Value: table.T(r.From.Format("2006-01-02") + " – " + r.To.Format("2006-01-02"))},
		{Label: "Minsta gruppstorlek som krävs (k)", Value: table.N(r.K)},
		{Label: "Minsta grupp i exporten", Value: kReached(r.KReached)},
		{Label: "Kvasiidentifierare", Value: table.T("kommun, delprojekt, kön, åldersgrupp, startperiod, slutperiod")},
		{Label: "Tid redovisas per", Value: table.T(TimeNames[r.Time])},
		{Label: "Plats redovisas per", Value: table.T(PlaceNames[r.Place])},
		{Label: "Ålder redovisas som", Value: table.T(AgeNames[r.Age])},
		{Label: "Personer i urvalet", Value: table.N(r.Rows)},
		{Label: "Utelämnade rader (stack ut även efter generalisering)", Value: table.N(r.Suppressed)},
		{Label: "Rader i exporten", Value: table.N(r.Exported)},
		{Label: "Nyckelversion för id", Value: table.ID(r.KeyVersion)},
	}
	if dataSHA != "" {
		lines = append(lines, table.Pair{Label: "SHA-256 av data.csv", Value: table.T(dataSHA)})
	}
	return lines
}

func kReached(k int) table.Cell {
	if k == 0 {
		return table.T("– (exporten är tom)")
	}
	return table.N(k)
}

// WriteZip writes the export as a zip of data.csv and kodbok.csv (csvsafe:
// UTF-8 with a byte-order mark, ;, CRLF) and rapport.txt, streaming the
// rows. It returns the SHA-256 of data.csv.
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
	cells := make([]table.Cell, len(cols))
	err = x.Each(ctx, func(r Row) error {
		for i, c := range cols {
			cells[i] = cellValue(c.text(r, label), c.numeric())
		}
		return cw.WriteCells(cells)
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
		fmt.Fprintf(f, "%s: %s\n", l.Label, l.Value.String())
	}
	return sum, z.Close()
}

// WriteXLSX writes the export as a workbook (internal/sheet) with the
// sheets Data, Rapport and Kodbok. The data sheet is streamed: excelize
// keeps at most a chunk of it in memory and the rest in a temporary file.
func (x *Prepared) WriteXLSX(ctx context.Context, w io.Writer, label Labeller, projectName, scope string) error {
	b := sheet.New()
	defer b.Close()
	cols := Columns()
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.Name
	}
	s, err := b.Stream("Data", head, nil)
	if err != nil {
		return err
	}
	cells := make([]table.Cell, len(cols))
	err = x.Each(ctx, func(r Row) error {
		for i, c := range cols {
			cells[i] = cellValue(c.text(r, label), c.numeric())
		}
		return s.Row(cells)
	})
	if err != nil {
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}
	if err := b.Pairs("Rapport", x.Report.Lines(projectName, scope, "")); err != nil {
		return err
	}
	book := Codebook(label)
	t := table.Table{Head: book[0]}
	for _, row := range book[1:] {
		t.Rows = append(t.Rows, table.Texts(row...))
	}
	if err := b.Table("Kodbok", t); err != nil {
		return err
	}
	return b.Write(w)
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

// cellValue is a count or a 1/0 flag as a number a spreadsheet can sum;
// everything else as text.
func cellValue(s string, numeric bool) table.Cell {
	if numeric && s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			return table.N(n)
		}
	}
	return table.T(s)
}
