package rollup

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/earshot-dev/earshot/internal/testenv"
	"github.com/earshot-dev/earshot/store"
)

// testStore is the package's one embedded engine (libchdb allows one per
// process), with the schema applied.
var testStore store.Store

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	st, done, err := testenv.Store()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer done()
	testStore = st
	return m.Run()
}

func truncate(t testing.TB, tables ...string) {
	t.Helper()
	for _, tbl := range tables {
		if err := testStore.Exec(context.Background(), "TRUNCATE TABLE "+tbl); err != nil {
			t.Fatal(err)
		}
	}
}

func count(t testing.TB, q string) int64 {
	t.Helper()
	res, err := testStore.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	n, err := strconv.ParseInt(res.Rows[0][0], 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
