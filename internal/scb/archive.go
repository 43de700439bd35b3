package scb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaa-plattform/kaa/internal/db"
)

// Archived is a file the product produced, as kept in scb_files.
type Archived struct {
	ID          int64
	HalfYear    string
	SpecVersion string
	SpecDate    time.Time
	FileName    string
	Rows        int
	Findings    int
	XLSXSHA256  string
	TextSHA256  string
	CreatedBy   string // the user's name
	CreatedAt   time.Time
}

// Archive produces both formats of f and keeps them, unless the newest file
// of the same half-year and spec version has the same text: then that one
// is returned, so that downloading an unchanged file again gives the same
// bytes. created reports whether a new file was kept.
func Archive(ctx context.Context, tx db.Tx, f File, findings int) (a Archived, created bool, err error) {
	text, err := f.Text()
	if err != nil {
		return a, false, fmt.Errorf("scb: archive: %w", err)
	}
	sum := sha256.Sum256(text)
	textSHA := hex.EncodeToString(sum[:])
	var id int64
	err = tx.QueryRow(ctx, `SELECT id FROM scb_files WHERE tenant_id = $1 AND half_year = $2 AND spec_version = $3 AND text_sha256 = $4
		AND id = (SELECT max(id) FROM scb_files WHERE tenant_id = $1 AND half_year = $2 AND spec_version = $3)`,
		tx.TenantID, f.Half.String(), f.Spec.Version, textSHA).Scan(&id)
	if err == nil {
		a, err = ArchivedFile(ctx, tx, id)
		return a, false, err
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return a, false, fmt.Errorf("scb: archive: %w", err)
	}
	xlsx, err := f.XLSX()
	if err != nil {
		return a, false, fmt.Errorf("scb: archive: %w", err)
	}
	sum = sha256.Sum256(xlsx)
	err = tx.QueryRow(ctx, `
		INSERT INTO scb_files (tenant_id, half_year, spec_version, spec_date, file_name, rows, findings, xlsx, xlsx_sha256, text, text_sha256, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		tx.TenantID, f.Half.String(), f.Spec.Version, f.Spec.Date, f.BaseName(), len(f.Rows), findings,
		xlsx, hex.EncodeToString(sum[:]), text, textSHA, tx.UserID).Scan(&id)
	if err != nil {
		return a, false, fmt.Errorf("scb: archive: %w", err)
	}
	a, err = ArchivedFile(ctx, tx, id)
	return a, true, err
}

const archivedColumns = `f.id, f.half_year, f.spec_version, f.spec_date, f.file_name, f.rows, f.findings, f.xlsx_sha256, f.text_sha256,
	u.name, f.created_at`

// ArchivedFile returns the file id. Returns db.ErrNotFound if the
// municipality has none.
func ArchivedFile(ctx context.Context, tx db.Tx, id int64) (Archived, error) {
	rows, _ := tx.Query(ctx, `SELECT `+archivedColumns+` FROM scb_files f JOIN users u ON u.id = f.created_by
		WHERE f.tenant_id = $1 AND f.id = $2`, tx.TenantID, id)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Archived])
	if errors.Is(err, pgx.ErrNoRows) {
		return a, db.ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("scb: archived file: %w", err)
	}
	return a, nil
}

// ArchivedFiles lists the municipality's files, newest first.
func ArchivedFiles(ctx context.Context, tx db.Tx) ([]Archived, error) {
	rows, _ := tx.Query(ctx, `SELECT `+archivedColumns+` FROM scb_files f JOIN users u ON u.id = f.created_by
		WHERE f.tenant_id = $1 ORDER BY f.id DESC`, tx.TenantID)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Archived])
	if err != nil {
		return nil, fmt.Errorf("scb: archived files: %w", err)
	}
	return out, nil
}

// ArchivedBytes returns the kept bytes of file id in format "xlsx" or "txt".
// Returns db.ErrNotFound if the municipality has no such file.
func ArchivedBytes(ctx context.Context, tx db.Tx, id int64, format string) ([]byte, error) {
	col := "text"
	if format == "xlsx" {
		col = "xlsx"
	}
	var b []byte
	err := tx.QueryRow(ctx, `SELECT `+col+` FROM scb_files WHERE tenant_id = $1 AND id = $2`, tx.TenantID, id).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, db.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("scb: archived bytes: %w", err)
	}
	return b, nil
}
