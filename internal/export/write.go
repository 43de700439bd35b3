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
	"github.com/kaa-plattform/kaa/internal/sv"
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

// Lines is the report as label and value, in order: what was asked, what
// the search chose, what it generalised, suppressed and left out, and how
// much information that cost. scope names whose people the export holds;
// dataSHA is the SHA-256 of the data, when known.
func (r Report) Lines(projectName, scope, dataSHA string) []table.Pair {
	lines := []table.Pair{
		{Label: "Projekt", Value: table.T(projectName)},
		{Label: "Urval", Value: table.T(scope)},
		{Label: "Period", Value: table.T(r.From.Format("2006-01-02") + " – " + r.To.Format("2006-01-02"))},
		{Label: "Minsta gruppstorlek som krävs (k)", Value: table.N(r.K)},
		{Label: "Viktigast att behålla", Value: table.T(keepLabel(r.Keep))},
		{Label: "Minsta grupp i exporten", Value: kReached(r.KReached)},
		{Label: "Kvasiidentifierare", Value: table.T("kommun och delprojekt, kön, ålder, startperiod, slutperiod")},
	}
	for d := range NumDims {
		v := LevelNames[d][r.Node[d]]
		if n := r.SuppressedCells[d]; n > 0 {
			v += fmt.Sprintf("; dold i %s rader", sv.Num(n))
		}
		lines = append(lines, table.Pair{Label: "Redovisas per: " + DimNames[d], Value: table.T(v)})
	}
	lines = append(lines,
		table.Pair{Label: "Personer i urvalet", Value: table.N(r.Rows)},
		table.Pair{Label: "Rader i exporten", Value: table.N(r.Exported)},
		table.Pair{Label: "Andel av personerna i exporten", Value: table.Pct(r.Exported, r.Rows)},
		table.Pair{Label: "Rader med dolda celler", Value: table.N(r.SuppressedRows)},
		table.Pair{Label: "Dolda celler", Value: table.N(sumCells(r.SuppressedCells))},
		table.Pair{Label: "Utelämnade rader (stack ut även med dolda celler)", Value: table.N(r.Dropped)},
		table.Pair{Label: "Informationsförlust i kvasiidentifierarna", Value: table.Fraction(r.Loss)},
		table.Pair{Label: "Tak för rader med dolda celler eller utelämnade", Value: table.T(capText(r))},
		table.Pair{Label: "Generaliseringar prövade", Value: table.T(fmt.Sprintf("%s av %s%s", sv.Num(r.Evaluated), sv.Num(r.LatticeSize), searchText(r.Complete)))},
		table.Pair{Label: "Söktid", Value: table.T(fmt.Sprintf("%s ms", sv.Num(int(r.Took.Milliseconds()))))},
		table.Pair{Label: "Utfall, ESF-status vid start, tid i projektet", Value: table.T("alltid med, aldrig generaliserade")},
		table.Pair{Label: "Nyckelversion för id", Value: table.ID(r.KeyVersion)},
	)
	if dataSHA != "" {
		lines = append(lines, table.Pair{Label: "SHA-256 av data.csv", Value: table.T(dataSHA)})
	}
	return lines
}

func sumCells(c [NumDims]int) int {
	s := 0
	for _, n := range c {
		s += n
	}
	return s
}

func capText(r Report) string {
	s := fmt.Sprintf("%d %% av raderna", int(MaxSuppressedShare*100))
	if r.CapHeld {
		return s + ", hölls"
	}
	return s + ", kunde inte hållas: ingen generalisering klarade k med så få; vald är den med minst förlust"
}

func searchText(complete bool) string {
	if complete {
		return " (sökningen är fullständig: ingen annan ger mindre förlust)"
	}
	return " (sökningen nådde sin gräns: bästa hittills)"
}

func kReached(k int) table.Cell {
	if k == 0 {
		return table.T("– (exporten är tom)")
	}
	return table.N(k)
}

// WriteZip writes the export as a zip of data.csv and kodbok.csv (csvsafe:
// UTF-8 with a byte-order mark, ;, CRLF), the outcome tables as utfall.xlsx
// and rapport.txt, streaming the rows. It returns the SHA-256 of data.csv.
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
	if f, err = z.Create("utfall.xlsx"); err != nil {
		return "", err
	}
	if err := x.writeOutcomes(ctx, f, label); err != nil {
		return "", err
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
// sheets Data, Rapport, the outcome tables and Kodbok. The data sheet is streamed: excelize
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
	tables, err := x.OutcomeTables(ctx, label)
	if err != nil {
		return err
	}
	for i, t := range tables {
		if err := b.Table(outcomeSheets[i], t); err != nil {
			return err
		}
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

// outcomeSheets name the sheets of OutcomeTables, in order.
var outcomeSheets = []string{"Utfall avslut per kommun", "Utfall 6 mån per kommun", "Utfall avslut per delprojekt", "Utfall 6 mån per delprojekt"}

// writeOutcomes writes the outcome tables as a workbook of their own.
func (x *Prepared) writeOutcomes(ctx context.Context, w io.Writer, label Labeller) error {
	tables, err := x.OutcomeTables(ctx, label)
	if err != nil {
		return err
	}
	b := sheet.New()
	defer b.Close()
	for i, t := range tables {
		if err := b.Table(outcomeSheets[i], t); err != nil {
			return err
		}
	}
	return b.Write(w)
}
