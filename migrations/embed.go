// Package migrations holds the schema as numbered SQL files, embedded into the binary.
package migrations

import "embed"

// FS holds every migration file (not schema.sql, the snapshot for readers);
// golang-migrate reads it through source/iofs.
//
//go:embed *.up.sql *.down.sql
var FS embed.FS
