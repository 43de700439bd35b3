package db

import (
	"errors"
	"fmt"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // registers pgx5://
	"github.com/golang-migrate/migrate/v4/source/iofs"

	"github.com/kaa-plattform/kaa/migrations"
)

// Migrator applies the embedded migrations as the schema owner.
type Migrator struct{ m *migrate.Migrate }

// NewMigrator connects to url (postgres:// or pgx5://) as the schema owner.
func NewMigrator(url string) (*Migrator, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("migrate: source: %w", err)
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, migrateURL(url))
	if err != nil {
		return nil, fmt.Errorf("migrate: connect: %w", err)
	}
	return &Migrator{m: m}, nil
}

// migrateURL turns a postgres:// URL into the scheme of golang-migrate's pgx v5 driver.
func migrateURL(url string) string {
	for _, p := range []string{"postgres://", "postgresql://"} {
		if strings.HasPrefix(url, p) {
			return "pgx5://" + strings.TrimPrefix(url, p)
		}
	}
	return url
}

// Up applies every pending migration.
func (m *Migrator) Up() error { return ignoreNoChange(m.m.Up()) }

// Down reverts every migration.
func (m *Migrator) Down() error { return ignoreNoChange(m.m.Down()) }

// Steps applies (n > 0) or reverts (n < 0) n migrations.
func (m *Migrator) Steps(n int) error { return ignoreNoChange(m.m.Steps(n)) }

// To migrates up or down to version v.
func (m *Migrator) To(v uint) error { return ignoreNoChange(m.m.Migrate(v)) }

// Version returns the current version and whether it is dirty; 0 when none.
func (m *Migrator) Version() (uint, bool, error) {
	v, dirty, err := m.m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	return v, dirty, err
}

// Close releases the connection.
func (m *Migrator) Close() error {
	srcErr, dbErr := m.m.Close()
	return errors.Join(srcErr, dbErr)
}

// Migrate applies every pending migration to url.
func Migrate(url string) error {
	m, err := NewMigrator(url)
	if err != nil {
		return err
	}
	defer m.Close()
	return m.Up()
}

func ignoreNoChange(err error) error {
	if errors.Is(err, migrate.ErrNoChange) {
		return nil
	}
	return err
}
