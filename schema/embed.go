// Package schema holds the ClickHouse migrations and the event JSON Schemas,
// embedded in the binary so every stage validates against the same files.
package schema

import (
	"embed"
	"io/fs"
)

//go:embed *.sql
var migrationFiles embed.FS

//go:embed events/*.json
var eventFiles embed.FS

// Migrations are the ordered ClickHouse migrations (NNNN_name.sql).
var Migrations fs.FS = migrationFiles

// Events are the JSON Schemas of the event envelope and payloads.
var Events fs.FS = eventFiles
