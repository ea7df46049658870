package store

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// roundtripCase is one column of the roundtrip table: a Go value inserted
// through Insert and the text Query must give back.
type roundtripCase struct {
	col, typ string
	val      any
	want     string
	modern   bool // needs a modern engine (Bool, DateTime64, LowCardinality): not on 18.16
}

// pointThree is 0.1+0.2 computed at run time (a constant expression
// would be exactly 0.3).
var pointThree = func() float64 { a := 0.1; return a + 0.2 }()

var leap = time.Date(2024, 2, 29, 23, 59, 58, 999_000_000, time.UTC)

var roundtripCases = []roundtripCase{
	{col: "s_plain", typ: "String", val: "plain", want: "plain"},
	{col: "s_unicode", typ: "String", val: "héllo 世界 🎉 ñ", want: "héllo 世界 🎉 ñ"},
	{col: "s_quotes", typ: "String", val: `it's "quoted" ''`, want: `it's "quoted" ''`},
	{col: "s_ctrl", typ: "String", val: "tab\tnew\nline\rcr\\back\\slash\x00nul\x01\x7f", want: "tab\tnew\nline\rcr\\back\\slash\x00nul\x01\x7f"},
	{col: "s_bytes", typ: "String", val: "\xff\xfe not utf-8", want: "\xff\xfe not utf-8"},
	{col: "s_empty", typ: "String", val: "", want: ""},
	{col: "s_from_bytes", typ: "String", val: []byte("raw"), want: "raw"},
	{col: "b_true", typ: "Bool", val: true, want: "true", modern: true},
	{col: "u8_from_bool", typ: "UInt8", val: true, want: "1"},
	{col: "u8", typ: "UInt8", val: uint8(255), want: "255"},
	{col: "u16", typ: "UInt16", val: uint16(65535), want: "65535"},
	{col: "u32", typ: "UInt32", val: uint32(math.MaxUint32), want: "4294967295"},
	{col: "u64", typ: "UInt64", val: uint64(math.MaxUint64), want: "18446744073709551615"},
	{col: "u64_from_int", typ: "UInt64", val: 42, want: "42"},
	{col: "i8", typ: "Int8", val: int8(-128), want: "-128"},
	{col: "i16", typ: "Int16", val: int16(-32768), want: "-32768"},
	{col: "i32", typ: "Int32", val: int32(-5), want: "-5"},
	{col: "i64", typ: "Int64", val: int64(math.MinInt64), want: "-9223372036854775808"},
	{col: "i64_from_int", typ: "Int64", val: -7, want: "-7"},
	{col: "f32", typ: "Float32", val: float32(0.1), want: "0.1"},
	{col: "f64", typ: "Float64", val: pointThree, want: "0.30000000000000004"},
	{col: "f64_int", typ: "Float64", val: 100.0, want: "100"},
	{col: "f64_small", typ: "Float64", val: 0.000001, want: "0.000001"},
	{col: "f64_nan", typ: "Float64", val: math.NaN(), want: "nan"},
	{col: "f64_neg_inf", typ: "Float64", val: math.Inf(-1), want: "-inf"},
	{col: "dt", typ: "DateTime", val: leap, want: "2024-02-29 23:59:58"},
	{col: "dt_zone", typ: "DateTime", val: time.Date(2024, 3, 1, 6, 0, 0, 0, time.FixedZone("UTC+7", 7*3600)), want: "2024-02-29 23:00:00"},
	{col: "dt_tokyo", typ: "DateTime('Asia/Tokyo')", val: time.Date(2024, 2, 29, 23, 0, 0, 0, time.UTC), want: "2024-03-01 08:00:00"},
	{col: "dt64", typ: "DateTime64(3)", val: leap, want: "2024-02-29 23:59:58.999", modern: true},
	{col: "d", typ: "Date", val: leap, want: "2024-02-29"},
	{col: "arr_s", typ: "Array(String)", val: []string{"a", "b'c", "d\te", `f\g`}, want: `['a','b\'c','d\te','f\\g']`},
	{col: "arr_empty", typ: "Array(String)", val: []string{}, want: "[]"},
	{col: "arr_f64", typ: "Array(Float64)", val: []float64{1.5, -2, 0.1}, want: "[1.5,-2,0.1]"},
	{col: "arr_u64", typ: "Array(UInt64)", val: []uint64{1, math.MaxUint64}, want: "[1,18446744073709551615]"},
	{col: "null_s", typ: "Nullable(String)", val: nil, want: `\N`},
	{col: "nullable_s", typ: "Nullable(String)", val: "x", want: "x"},
	{col: "lc", typ: "LowCardinality(String)", val: "low\tcard", want: "low\tcard", modern: true},
}

// testRoundtrip inserts one row holding every supported Go type and checks
// that Query prints each value as ClickHouse's TabSeparated would.
func testRoundtrip(t *testing.T, s Store, modern bool) {
	t.Helper()
	var cases []roundtripCase
	for _, c := range roundtripCases {
		if c.modern && !modern {
			continue
		}
		cases = append(cases, c)
	}
	table := uniqueTable("roundtrip")
	var ddl strings.Builder
	ddl.WriteString("CREATE TABLE " + table + " (")
	cols := make([]string, len(cases))
	row := make([]any, len(cases))
	for i, c := range cases {
		if i > 0 {
			ddl.WriteString(", ")
		}
		ddl.WriteString(c.col + " " + c.typ)
		cols[i] = c.col
		row[i] = c.val
	}
	ddl.WriteString(") ENGINE = MergeTree ORDER BY tuple()")
	mustExec(t, s, ddl.String())
	if err := s.Insert(testCtx(t), table, cols, [][]any{row}, ""); err != nil {
		t.Fatal(err)
	}
	res := mustQuery(t, s, "SELECT "+strings.Join(cols, ", ")+" FROM "+table)
	if len(res.Rows) != 1 {
		t.Fatalf("want 1 row, got %d", len(res.Rows))
	}
	for i, c := range cases {
		t.Run(c.col, func(t *testing.T) {
			if res.Columns[i] != c.col {
				t.Errorf("column name %q, want %q", res.Columns[i], c.col)
			}
			if res.Types[i] != c.typ {
				t.Errorf("column type %q, want %q", res.Types[i], c.typ)
			}
			if got := res.Rows[0][i]; got != c.want {
				t.Errorf("value %q, want %q", got, c.want)
			}
		})
	}
}

// testMigrate runs the migration contract against s.
func testMigrate(t *testing.T, s Store) {
	t.Helper()
	ctx := testCtx(t)
	a, b := uniqueTable("mig_a"), uniqueTable("mig_b")
	fsys := fstest.MapFS{
		"0001_first.sql": {Data: []byte("-- first migration\n" +
			"CREATE TABLE IF NOT EXISTS " + a + " (\n" +
			"    id String -- the key; trailing comment\n" +
			") ENGINE = MergeTree ORDER BY id;\n" +
			"\n" +
			";\n" +
			"-- a comment between statements; with a semicolon;\n" +
			"INSERT INTO " + a + " SELECT 'x;y';\n")},
		"0002_second.sql": {Data: []byte("CREATE TABLE IF NOT EXISTS " + b + " (n UInt64) ENGINE = MergeTree ORDER BY n;\n")},
		"README.md":       {Data: []byte("not a migration")},
	}

	got, err := Migrate(ctx, s, fsys, quietLogger())
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	if want := []string{"0001_first", "0002_second"}; !slices.Equal(got, want) {
		t.Fatalf("first run applied %v, want %v", got, want)
	}
	if v := scalar(t, s, "SELECT id FROM "+a); v != "x;y" {
		t.Errorf("0001 data: got %q", v)
	}
	if v := scalar(t, s, "SELECT count() FROM "+b); v != "0" {
		t.Errorf("0002 table: got %q", v)
	}

	got, err = Migrate(ctx, s, fsys, quietLogger())
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if len(got) != 0 {
		t.Fatalf("second run applied %v, want none", got)
	}
	if v := scalar(t, s, "SELECT count() FROM "+a); v != "1" {
		t.Errorf("0001 ran twice: %s rows", v)
	}

	c := uniqueTable("mig_c")
	fsys["0003_third.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE IF NOT EXISTS " + c + " (label String) ENGINE = MergeTree ORDER BY label;\n")}
	got, err = Migrate(ctx, s, fsys, quietLogger())
	if err != nil {
		t.Fatalf("third run: %v", err)
	}
	if want := []string{"0003_third"}; !slices.Equal(got, want) {
		t.Fatalf("third run applied %v, want %v", got, want)
	}

	fsys["0002_second.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE IF NOT EXISTS " + b + " (n UInt32) ENGINE = MergeTree ORDER BY n;\n")}
	_, err = Migrate(ctx, s, fsys, quietLogger())
	if err == nil {
		t.Fatal("edited applied migration: want an error")
	}
	for _, want := range []string{"0002_second.sql", "add a new migration"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}

	if v := scalar(t, s, "SELECT count() FROM schema_migrations WHERE version LIKE '000%'"); v != "3" {
		t.Errorf("schema_migrations has %s rows, want 3", v)
	}
}

func TestMigrateRejectsBadFS(t *testing.T) {
	s := embeddedStore(t)
	bad := fstest.MapFS{"0001_x.sql": {Data: []byte("THIS IS NOT SQL;\n")}}
	_, err := Migrate(testCtx(t), s, bad, quietLogger())
	if err == nil || !strings.Contains(err.Error(), "0001_x.sql") {
		t.Fatalf("want an error naming the file, got %v", err)
	}
	if errors.Is(err, ErrLibraryMissing) {
		t.Fatal("wrong error kind")
	}
}
