package store

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestWriteTSV(t *testing.T) {
	for _, tc := range []struct {
		name string
		res  Result
		want string
	}{
		{
			name: "escapes strings and names",
			res: Result{
				Columns: []string{"a\tb", "n"},
				Types:   []string{"String", "UInt64"},
				Rows:    [][]string{{"tab\there\nnl\\bs'q\x00\r\b\f", "1"}},
			},
			want: "a\\tb\tn\ntab\\there\\nnl\\\\bs\\'q\\0\\r\\b\\f\t1\n",
		},
		{
			name: "composites and numbers verbatim",
			res: Result{
				Columns: []string{"arr", "f", "at"},
				Types:   []string{"Array(String)", "Float64", "DateTime"},
				Rows:    [][]string{{`['a\'b','c\td']`, "-inf", "2024-02-29 23:59:58"}},
			},
			want: "arr\tf\tat\n['a\\'b','c\\td']\t-inf\t2024-02-29 23:59:58\n",
		},
		{
			name: "NULL only in nullable columns",
			res: Result{
				Columns: []string{"n", "s"},
				Types:   []string{"Nullable(String)", "String"},
				Rows:    [][]string{{`\N`, `\N`}},
			},
			want: "n\ts\n\\N\t\\\\N\n",
		},
		{
			name: "unknown types are escaped",
			res: Result{
				Columns: []string{"x"},
				Rows:    [][]string{{"a\tb"}},
			},
			want: "x\na\\tb\n",
		},
		{
			name: "no rows",
			res:  Result{Columns: []string{"only"}, Types: []string{"String"}},
			want: "only\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tc.res.WriteTSV(&buf); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tc.want {
				t.Errorf("got  %q\nwant %q", buf.String(), tc.want)
			}
		})
	}
}

func TestParseTSVWithNamesAndTypes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		want    *Result
		wantErr string
	}{
		{
			name: "unescapes strings only",
			in:   "s\ta\\tb\nString\tArray(String)\nx\\ty\\\\z\\'\t['q\\'r']\n",
			want: &Result{
				Columns: []string{"s", "a\tb"},
				Types:   []string{"String", "Array(String)"},
				Rows:    [][]string{{"x\ty\\z'", `['q\'r']`}},
			},
		},
		{
			name: "null and empty fields",
			in:   "n\te\nNullable(String)\tString\n\\N\t\n",
			want: &Result{
				Columns: []string{"n", "e"},
				Types:   []string{"Nullable(String)", "String"},
				Rows:    [][]string{{`\N`, ""}},
			},
		},
		{
			name: "hex escape",
			in:   "s\nString\n\\xff\\x41\n",
			want: &Result{Columns: []string{"s"}, Types: []string{"String"}, Rows: [][]string{{"\xffA"}}},
		},
		{name: "no output", in: "", want: &Result{}},
		{name: "extra field", in: "a\nUInt8\n1\t2\n", wantErr: "different number of fields"},
		{name: "missing field", in: "a\tb\nUInt8\tUInt8\n1\n", wantErr: "different number of fields"},
		{name: "no types", in: "a\n", wantErr: "no types line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseTSVWithNamesAndTypes([]byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("want error %q, got %v", tc.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Columns, tc.want.Columns) || !slices.Equal(got.Types, tc.want.Types) ||
				!slices.EqualFunc(got.Rows, tc.want.Rows, slices.Equal) {
				t.Errorf("got %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestTSVEscapeRoundtrip(t *testing.T) {
	for _, s := range []string{"", "plain", "\t\n\r\b\f\x00\\'", "ünï\xff", `\N`, "a\\"} {
		if got := unescapeTSV(appendTSVEscaped(nil, s)); got != s {
			t.Errorf("%q → %q", s, got)
		}
	}
}

func TestAppendJSONRow(t *testing.T) {
	at := time.Date(2024, 2, 29, 23, 59, 58, 123_456_789, time.FixedZone("x", -3600))
	for _, tc := range []struct {
		name string
		col  colEncoding
		val  any
		want string
	}{
		{"string escapes", colEncoding{}, "q\"b\\n\n\t\x01é\xff", `"q\"b\\n\n\t\u0001é` + "\xff" + `"`},
		{"bool", colEncoding{}, false, "false"},
		{"int8", colEncoding{}, int8(-8), "-8"},
		{"uint64 max", colEncoding{}, uint64(math.MaxUint64), "18446744073709551615"},
		{"float32", colEncoding{}, float32(0.1), "0.1"},
		{"float64 exp", colEncoding{}, 1e21, "1e+21"},
		{"nan quoted", colEncoding{}, math.NaN(), `"nan"`},
		{"inf quoted", colEncoding{}, math.Inf(1), `"inf"`},
		{"date", colEncoding{time: timeDate}, at, `"2024-03-01"`},
		{"datetime", colEncoding{time: timeDateTime}, at, `"2024-03-01 00:59:58Z"`},
		{"datetime64(3)", colEncoding{time: timeDateTime64, precision: 3}, at, `"2024-03-01 00:59:58.123Z"`},
		{"datetime64(6)", colEncoding{time: timeDateTime64, precision: 6}, at, `"2024-03-01 00:59:58.123456Z"`},
		{"time into unknown kind", colEncoding{}, at, `"2024-03-01 00:59:58.123Z"`},
		{"strings", colEncoding{}, []string{"a", `"`}, `["a","\""]`},
		{"floats", colEncoding{}, []float64{1, math.NaN()}, `[1,"nan"]`},
		{"uints", colEncoding{}, []uint64{}, `[]`},
		{"nil", colEncoding{}, nil, "null"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.col.name = "c"
			got, err := appendJSONRow(nil, []colEncoding{tc.col}, []any{tc.val})
			if err != nil {
				t.Fatal(err)
			}
			if want := "[" + tc.want + "]\n"; string(got) != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
	if _, err := appendJSONRow(nil, []colEncoding{{name: "m"}}, []any{map[string]int{}}); err == nil ||
		!strings.Contains(err.Error(), "column m: unsupported Go type map[string]int") {
		t.Errorf("unsupported type: %v", err)
	}
}

func TestAppendCHFloat(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		bits int
		want string
	}{
		{0, 64, "0"},
		{math.Copysign(0, -1), 64, "-0"},
		{100, 64, "100"},
		{0.1, 32, "0.1"},
		{1.0 / 3, 64, "0.3333333333333333"},
		{1e20, 64, "100000000000000000000"},
		{1e21, 64, "1e21"},
		{1.5e21, 64, "1.5e21"},
		{0.000001, 64, "0.000001"},
		{1.5e-7, 64, "1.5e-7"},
		{-2.5e-10, 64, "-2.5e-10"},
		{3.4e38, 32, "3.4e38"},
		{math.NaN(), 64, "nan"},
		{math.Inf(1), 64, "inf"},
		{math.Inf(-1), 32, "-inf"},
	} {
		if got := string(appendCHFloat(nil, tc.f, tc.bits)); got != tc.want {
			t.Errorf("appendCHFloat(%v, %d) = %q, want %q", tc.f, tc.bits, got, tc.want)
		}
	}
}

func TestSplitStatements(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []string
	}{
		{"one", "SELECT 1;\n", []string{"SELECT 1"}},
		{"no trailing semicolon", "SELECT 1", []string{"SELECT 1"}},
		{"multi-line", "CREATE TABLE t (\n  a UInt8\n) ENGINE = Memory;\nDROP TABLE t;", []string{"CREATE TABLE t (\n  a UInt8\n) ENGINE = Memory", "DROP TABLE t"}},
		{"comments and blanks", "-- header\n\n  -- indented comment;\nSELECT 1;  \n;\n\n;\n", []string{"SELECT 1"}},
		{"semicolon inside a line", "SELECT 'a;b', 1;\n", []string{"SELECT 'a;b', 1"}},
		{"a trailing comment ending in ; still ends the statement", "SELECT 1 -- why;\n, 2;\n", []string{"SELECT 1 -- why", ", 2"}},
		{"crlf", "SELECT 1;\r\nSELECT 2;\r\n", []string{"SELECT 1", "SELECT 2"}},
		{"empty", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := splitStatements(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTableRef(t *testing.T) {
	for _, tc := range []struct {
		in, db, name, err string
	}{
		{in: "mentions", db: "earshot", name: "mentions"},
		{in: "other.mentions", db: "other", name: "mentions"},
		{in: "`my.db`.events", db: "my.db", name: "events"},
		{in: "`we'ird\tname`", db: "earshot", name: "we'ird\tname"},
		{in: "`a\\`b`", db: "earshot", name: "a`b"},
		{in: "a.b.c", err: "want name or database.name"},
		{in: "", err: "empty name"},
		{in: "`open", err: "unterminated"},
		{in: ".x", err: "empty name part"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			db, name, err := tableRef("earshot", tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("want error %q, got %v", tc.err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if db != tc.db || name != tc.name {
				t.Errorf("got (%q, %q), want (%q, %q)", db, name, tc.db, tc.name)
			}
		})
	}
}

func TestInsertValuesGuard(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want bool
	}{
		{"INSERT INTO t VALUES (1)", true},
		{"  insert into db.t (a, b) values (1, 2)", true},
		{"INSERT INTO t (a) SETTINGS x = 1 VALUES (1)", true},
		{"INSERT INTO t SELECT 'values'", false},
		{"INSERT INTO t (a) SELECT a FROM values_table", false},
		{"SELECT * FROM t WHERE x IN (SELECT 1) -- VALUES", false},
		{"CREATE TABLE values (a UInt8) ENGINE = Memory", false},
	} {
		if got := insertValues.MatchString(tc.q); got != tc.want {
			t.Errorf("%q: match = %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestTypeHelpers(t *testing.T) {
	for _, tc := range []struct {
		typ      string
		str      bool
		nullable bool
		kind     timeKind
		prec     int
		elem     string
	}{
		{typ: "String", str: true},
		{typ: "LowCardinality(Nullable(String))", str: true, nullable: true},
		{typ: "FixedString(3)", str: true},
		{typ: "Enum8('a' = 1)", str: true},
		{typ: "UInt64"},
		{typ: "Nullable(UInt64)", nullable: true},
		{typ: "Array(String)", elem: "String"},
		{typ: "Date", kind: timeDate},
		{typ: "Date32", kind: timeDate},
		{typ: "DateTime", kind: timeDateTime},
		{typ: "DateTime('UTC')", kind: timeDateTime},
		{typ: "DateTime64(6, 'UTC')", kind: timeDateTime64, prec: 6},
		{typ: "Nullable(DateTime64(3))", kind: timeDateTime64, prec: 3, nullable: true},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			if got := isStringLike(tc.typ); got != tc.str {
				t.Errorf("isStringLike = %v", got)
			}
			if got := isNullable(tc.typ); got != tc.nullable {
				t.Errorf("isNullable = %v", got)
			}
			if k, p := timeType(tc.typ); k != tc.kind || p != tc.prec {
				t.Errorf("timeType = %v, %d", k, p)
			}
			if got := arrayElem(tc.typ); got != tc.elem {
				t.Errorf("arrayElem = %q", got)
			}
		})
	}
	for in, want := range map[string]string{
		"LowCardinality(String)":                                     "String",
		"LowCardinality(Nullable(String))":                           "Nullable(String)",
		"Array(LowCardinality(String))":                              "Array(String)",
		"Map(LowCardinality(String), Array(LowCardinality(String)))": "Map(String, Array(String))",
		"DateTime64(3, 'UTC')":                                       "DateTime64(3, 'UTC')",
	} {
		if got := withoutLowCardinality(in); got != want {
			t.Errorf("withoutLowCardinality(%s) = %s, want %s", in, got, want)
		}
	}
	if k, v := mapTypes("Map(String, Array(Tuple(UInt8, String)))"); k != "String" || v != "Array(Tuple(UInt8, String))" {
		t.Errorf("mapTypes = %q, %q", k, v)
	}
	if got, _ := tupleTypes("Tuple(a UInt8, b DateTime64(3, 'UTC'), Decimal(9, 2))"); !slices.Equal(got, []string{"UInt8", "DateTime64(3, 'UTC')", "Decimal(9, 2)"}) {
		t.Errorf("tupleTypes = %q", got)
	}
}

func TestFindLibchdb(t *testing.T) {
	root := t.TempDir()
	lib := filepath.Join(root, "repo", ".libchdb", "libchdb.so")
	deep := filepath.Join(root, "repo", "cmd", "earshot")
	for _, d := range []string{filepath.Dir(lib), deep, filepath.Join(root, "elsewhere")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(lib, []byte("not really a library"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		explicit string
		env      string
		cwd      string
		want     string
		missing  bool
	}{
		{name: "explicit wins", explicit: lib, env: "/nope/libchdb.so", cwd: root, want: lib},
		{name: "explicit missing", explicit: filepath.Join(root, "none.so"), cwd: deep, missing: true},
		{name: "env", env: lib, cwd: root, want: lib},
		{name: "env missing", env: filepath.Join(root, "none.so"), cwd: deep, missing: true},
		{name: "env is a directory", env: root, cwd: deep, missing: true},
		{name: "walks up from cwd", cwd: deep, want: lib},
		{name: "nowhere", cwd: filepath.Join(root, "elsewhere"), missing: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(libchdbEnv, tc.env)
			t.Chdir(tc.cwd)
			got, err := findLibchdb(tc.explicit)
			if tc.missing {
				if !errors.Is(err, ErrLibraryMissing) {
					t.Fatalf("want ErrLibraryMissing, got %v (%q)", err, got)
				}
				if !strings.Contains(err.Error(), "run scripts/install-libchdb.sh, or set CHDB_LIB_PATH to libchdb.so") {
					t.Errorf("error lacks the install hint: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// TestWordNeedsEscape checks the 8-byte fast path against the byte table
// for every byte value in every position.
func TestWordNeedsEscape(t *testing.T) {
	for pos := range 8 {
		for c := range 256 {
			word := []byte("abcdefgh")
			word[pos] = byte(c)
			w := uint64(0)
			for i := 7; i >= 0; i-- {
				w = w<<8 | uint64(word[i])
			}
			if got, want := wordNeedsEscape(w), jsonEscaped[byte(c)]; got != want {
				t.Errorf("byte %#x at %d: got %v, want %v", c, pos, got, want)
			}
		}
	}
	long := strings.Repeat("clean ünïcode text ", 5) + "\"q\"\\\n" + strings.Repeat("x", 17) + "\x01"
	got := appendJSONString(nil, long)
	want := `"` + strings.Repeat("clean ünïcode text ", 5) + `\"q\"\\\n` + strings.Repeat("x", 17) + `\u0001"`
	if string(got) != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
