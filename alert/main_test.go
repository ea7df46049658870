package alert

import (
	"fmt"
	"os"
	"testing"

	"github.com/earshot-dev/earshot/internal/testenv"
	"github.com/earshot-dev/earshot/store"
)

// testStore is the package's one embedded engine (libchdb allows one per
// process), migrated.
var testStore store.Store

func TestMain(m *testing.M) { os.Exit(run(m)) }

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
