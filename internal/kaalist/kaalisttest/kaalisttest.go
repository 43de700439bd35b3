// Package kaalisttest builds hostile .xlsx files for the tests of the
// import: small zip files that unpack to far more than they weigh.
package kaalisttest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
)

const (
	xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`
	ns      = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
)

// XLSX is a minimal workbook whose first sheet's XML is written by sheet
// (inside <sheetData>) and whose shared strings are strs (nil for none).
// It streams both through the compressor, so a sheet of many megabytes
// costs little memory to build.
func XLSX(sheet func(io.Writer), strs []string) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	part := func(name string, write func(io.Writer)) {
		w, err := z.Create(name)
		if err != nil {
			panic(err)
		}
		write(w)
	}
	text := func(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	part("[Content_Types].xml", text(xmlHead+`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`+
		`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`))
	part("_rels/.rels", text(xmlHead+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	part("xl/workbook.xml", text(xmlHead+`<workbook `+ns+` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+
		`<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	part("xl/_rels/workbook.xml.rels", text(xmlHead+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`+
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`))
	part("xl/worksheets/sheet1.xml", func(w io.Writer) {
		io.WriteString(w, xmlHead+`<worksheet `+ns+`><sheetData>`)
		sheet(w)
		io.WriteString(w, `</sheetData></worksheet>`)
	})
	part("xl/sharedStrings.xml", func(w io.Writer) {
		fmt.Fprintf(w, xmlHead+`<sst %s count="%d" uniqueCount="%d">`, ns, len(strs), len(strs))
		for _, s := range strs {
			fmt.Fprintf(w, `<si><t>%s</t></si>`, s)
		}
		io.WriteString(w, `</sst>`)
	})
	if err := z.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Bomb is the attack of issue 16: a header row and rows rows whose name
// cell holds cell bytes of inline text each. With cell = 10 MiB and rows =
// 5 it weighs about 50 KiB and unpacks to 50 MiB.
func Bomb(rows, cell int) []byte {
	return XLSX(func(w io.Writer) {
		io.WriteString(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>Personnummer</t></is></c><c r="B1" t="inlineStr"><is><t>Namn</t></is></c></row>`)
		chunk := strings.Repeat("A", 64<<10)
		for r := 2; r < rows+2; r++ {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>20080301-0024</t></is></c><c r="B%d" t="inlineStr"><is><t>`, r, r, r)
			for n := cell; n > 0; n -= len(chunk) {
				io.WriteString(w, chunk[:min(n, len(chunk))])
			}
			io.WriteString(w, `</t></is></c></row>`)
		}
	}, nil)
}

// SharedStringsBomb is a workbook of one header row whose shared strings
// unpack to about size bytes.
func SharedStringsBomb(size int) []byte {
	strs, s := []string{"Personnummer"}, strings.Repeat("B", 4096)
	for n := 0; n < size; n += len(s) + len("<si><t></t></si>") {
		strs = append(strs, s)
	}
	return XLSX(func(w io.Writer) {
		io.WriteString(w, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`)
	}, strs)
}

// Workbook is a minimal workbook with one sheet (Blad1, Blad2, …) per
// element of sheets, each the XML inside that sheet's <sheetData>, with
// short part names so that many sheets weigh little.
func Workbook(sheets []string) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	part := func(name, s string) {
		w, err := z.Create(name)
		if err != nil {
			panic(err)
		}
		io.WriteString(w, s)
	}
	part("[Content_Types].xml", xmlHead+`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`)
	part("_rels/.rels", xmlHead+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	var wb, rels strings.Builder
	wb.WriteString(xmlHead + `<workbook ` + ns + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
	rels.WriteString(xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i := range sheets {
		fmt.Fprintf(&wb, `<sheet name="Blad%d" sheetId="%d" r:id="r%d"/>`, i+1, i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="r%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="s/%d.xml"/>`, i+1, i+1)
	}
	wb.WriteString(`</sheets></workbook>`)
	rels.WriteString(`</Relationships>`)
	part("xl/workbook.xml", wb.String())
	part("xl/_rels/workbook.xml.rels", rels.String())
	for i, s := range sheets {
		part(fmt.Sprintf("xl/s/%d.xml", i+1), `<worksheet `+ns+`><sheetData>`+s+`</sheetData></worksheet>`)
	}
	if err := z.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// SheetBomb is the sheet bomb: n sheets, each holding nothing but an empty
// last row (1048576), which excelize walks to row by row. With n = 19800
// it weighs under 5 MB.
func SheetBomb(n int) []byte {
	sheets := make([]string, n)
	for i := range sheets {
		sheets[i] = `<row r="1048576"/>`
	}
	return Workbook(sheets)
}
