package esf

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/csvsafe"
	"github.com/kaa-plattform/kaa/internal/db"
	"github.com/kaa-plattform/kaa/internal/sheet"
	"github.com/kaa-plattform/kaa/internal/table"
)

// ErrNotReady is returned by Archive while the checks find errors: the
// file is not made.
var ErrNotReady = errors.New("esf: the file has errors")

// Cells lays r's rows out in Spec's columns.
func (r Report) Cells() [][]table.Cell {
	out := make([][]table.Cell, 0, len(r.Rows))
	for _, row := range r.Rows {
		line := make([]table.Cell, len(Spec.Columns))
		for i, c := range Spec.Columns {
			switch c.Field {
			case "case_number":
				line[i] = table.T(r.Project.CaseNumber)
			case "subproject":
				line[i] = table.T(row.Subproject)
			case "municipality":
				line[i] = table.T(r.Kommun)
			case "personnummer":
				line[i] = table.T(row.Personnummer)
			case "gender":
				line[i] = table.T(Spec.Genders[row.Gender])
			case "start":
				line[i] = table.D(row.Start)
			case "end":
				if !row.End.IsZero() {
					line[i] = table.D(row.End)
				}
			case "hours":
				if row.HasHours {
					line[i] = table.Dec(row.Hours, 1)
				}
			default:
				panic("esf: spec column without a value: " + c.Field)
			}
		}
		out = append(out, line)
	}
	return out
}

// FileName is the file's name without extension.
func (r Report) FileName() string {
	return fmt.Sprintf("ESF-deltagare_%s_%s_%s", r.Project.Key, r.Kommun, r.Month)
}

// info is what the file says of itself.
func (r Report) info() []table.Pair {
	return []table.Pair{
		{Label: "Innehåll", Value: table.T(Spec.Title)},
		{Label: "Projekt", Value: table.T(r.Project.Name)},
		{Label: "Diarienummer", Value: table.T(r.Project.CaseNumber)},
		{Label: "Kommun", Value: table.T(r.Kommun)},
		{Label: "Månad", Value: table.T(r.Month.String() + " (" + r.Month.Label() + ")")},
		{Label: "Rader", Value: table.N(len(r.Rows))},
		{Label: "Filbeskrivning, version", Value: table.T(Spec.Version)},
		{Label: "Obs", Value: table.T("Kolumnnamnen och värdena för kön är antagna av KAA-registret och inte kontrollerade mot SCB:s Excelmall för redovisning av projektdeltagare. Jämför innan filen lämnas.")},
	}
}

// Content is the file's content as semicolon text: what the archive
// compares to find an unchanged file, and hashes.
func (r Report) Content() ([]byte, error) {
	var b bytes.Buffer
	w := csvsafe.NewWriter(&b)
	var head []string
	for _, kv := range r.info()[:7] {
		head = append(head, kv.Label+": "+kv.Value.Plain())
	}
	w.Write(head)
	w.Write(Spec.Head())
	for _, line := range r.Cells() {
		w.WriteCells(line)
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// XLSX is the file as a workbook written by internal/sheet: the data
// sheet (bold, frozen header with filters; personnummer and kommunkod as
// text, dates as dates, hours as numbers), then a sheet naming the
// project, municipality, month and spec version.
func (r Report) XLSX() ([]byte, error) {
	x := sheet.New()
	defer x.Close()
	s, err := x.Stream(Spec.Sheet, Spec.Head(), []int{14, 24, 10, 14, 10, 12, 12, 10})
	if err != nil {
		return nil, err
	}
	for _, line := range r.Cells() {
		if err := s.Row(line); err != nil {
			return nil, err
		}
	}
	if err := s.Close(); err != nil {
		return nil, err
	}
	if err := x.Pairs(Spec.InfoSheet, r.info()); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Archived is a file the product produced, as kept in esf_files.
type Archived struct {
	ID            int64
	ProjectKey    string
	ProjectName   string
	Month         time.Time
	SpecVersion   string
	FileName      string
	Rows          int
	Warnings      int
	ContentSHA256 string
	XLSXSHA256    string
	CreatedBy     string
	CreatedAt     time.Time
}

// MonthString is the file's month as "2026-11".
func (a Archived) MonthString() string { return MonthOf(a.Month).String() }

// Archive makes r's workbook and keeps it, unless the newest file of the
// same project, month and spec version has the same content: then that one
// is returned, so that downloading an unchanged file again gives the same
// bytes. Returns ErrNotReady while the checks find errors. created
// reports whether a new file was kept.
func Archive(ctx context.Context, tx db.Tx, r Report) (a Archived, created bool, err error) {
	if r.Errors() > 0 {
		return a, false, ErrNotReady
	}
	content, err := r.Content()
	if err != nil {
		return a, false, fmt.Errorf("esf: archive: %w", err)
	}
	sum := sha256.Sum256(content)
	contentSHA := hex.EncodeToString(sum[:])
	var id int64
	err = tx.QueryRow(ctx, `SELECT id FROM esf_files WHERE tenant_id = $1 AND project_id = $2 AND month = $3 AND spec_version = $4 AND content_sha256 = $5
		AND id = (SELECT max(id) FROM esf_files WHERE tenant_id = $1 AND project_id = $2 AND month = $3 AND spec_version = $4)`,
		tx.TenantID, r.Project.ID, r.Month.Start(), Spec.Version, contentSHA).Scan(&id)
	if err == nil {
		a, err = ArchivedFile(ctx, tx, id)
		return a, false, err
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return a, false, fmt.Errorf("esf: archive: %w", err)
	}
	xlsx, err := r.XLSX()
	if err != nil {
		return a, false, fmt.Errorf("esf: archive: %w", err)
	}
	sum = sha256.Sum256(xlsx)
	err = tx.QueryRow(ctx, `
		INSERT INTO esf_files (tenant_id, project_id, month, spec_version, file_name, rows, warnings, content_sha256, xlsx, xlsx_sha256, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		tx.TenantID, r.Project.ID, r.Month.Start(), Spec.Version, r.FileName(), len(r.Rows), r.Warnings(), contentSHA,
		xlsx, hex.EncodeToString(sum[:]), tx.UserID).Scan(&id)
	if err != nil {
		return a, false, fmt.Errorf("esf: archive: %w", err)
	}
	a, err = ArchivedFile(ctx, tx, id)
	return a, true, err
}

const archivedColumns = `f.id, p.key, p.name, f.month, f.spec_version, f.file_name, f.rows, f.warnings, f.content_sha256, f.xlsx_sha256,
	u.name, f.created_at`

const archivedFrom = ` FROM esf_files f JOIN projects p ON p.id = f.project_id JOIN users u ON u.id = f.created_by`

// ArchivedFile returns the file id. Returns db.ErrNotFound if the
// municipality has none.
func ArchivedFile(ctx context.Context, tx db.Tx, id int64) (Archived, error) {
	rows, _ := tx.Query(ctx, `SELECT `+archivedColumns+archivedFrom+` WHERE f.tenant_id = $1 AND f.id = $2`, tx.TenantID, id)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Archived])
	if errors.Is(err, pgx.ErrNoRows) {
		return a, db.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("esf: archived file: %w", err)
	}
	return a, nil
}

// ArchivedFiles lists the municipality's files of project, newest first.
func ArchivedFiles(ctx context.Context, tx db.Tx, project int) ([]Archived, error) {
	rows, _ := tx.Query(ctx, `SELECT `+archivedColumns+archivedFrom+` WHERE f.tenant_id = $1 AND f.project_id = $2 ORDER BY f.id DESC`, tx.TenantID, project)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Archived])
	if err != nil {
		return nil, fmt.Errorf("esf: archived files: %w", err)
	}
	return out, nil
}

// ArchivedXLSX returns the kept workbook of file id. Returns
// db.ErrNotFound if the municipality has no such file.
func ArchivedXLSX(ctx context.Context, tx db.Tx, id int64) ([]byte, error) {
	var b []byte
	err := tx.QueryRow(ctx, `SELECT xlsx FROM esf_files WHERE tenant_id = $1 AND id = $2`, tx.TenantID, id).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, db.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("esf: archived workbook: %w", err)
	}
	return b, nil
}

// ProjectOf returns the project key of the municipality of tx, with its
// case number. Returns db.ErrNotFound if the project does not exist or the
// municipality has no sub-project in it.
func ProjectOf(ctx context.Context, tx db.Tx, key string) (Project, error) {
	var p Project
	var cn *string
	err := tx.QueryRow(ctx, `SELECT p.id, p.key, p.name, p.starts_on, p.ends_on, p.esf_case_number FROM projects p
		WHERE p.key = $1 AND EXISTS (SELECT 1 FROM subprojects s WHERE s.project_id = p.id AND s.org_id = $2)`, key, tx.TenantID).
		Scan(&p.ID, &p.Key, &p.Name, &p.StartsOn, &p.EndsOn, &cn)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, db.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("esf: project: %w", err)
	}
	if cn != nil {
		p.CaseNumber = *cn
	}
	return p, nil
}

// ProjectsOf lists the projects the municipality of tx has a sub-project
// in, newest first.
func ProjectsOf(ctx context.Context, tx db.Tx) ([]Project, error) {
	rows, _ := tx.Query(ctx, `SELECT p.id, p.key, p.name, p.starts_on, p.ends_on, coalesce(p.esf_case_number, '') FROM projects p
		WHERE EXISTS (SELECT 1 FROM subprojects s WHERE s.project_id = p.id AND s.org_id = $1) ORDER BY p.starts_on DESC, p.name`, tx.TenantID)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Project])
	if err != nil {
		return nil, fmt.Errorf("esf: projects: %w", err)
	}
	return out, nil
}
