// Package migrations holds the schema as numbered SQL files, embedded into the binary.
package migrations

import "embed"

// FS holds every migration file; golang-migrate reads it through source/iofs.
//
//go:embed *.sql
var FS embed.FS
