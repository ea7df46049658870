package alert

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"

	"github.com/earshot-dev/earshot/schema"
	"github.com/earshot-dev/earshot/store"
)

// testStore is the package's one embedded engine (libchdb allows one per
// process), migrated.
var testStore store.Store

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "earshot-alert-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	st, err := store.Open(ctx, store.Config{DataDir: dir}, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "open embedded store:", err)
		return 1
	}
	defer st.Close()
	if _, err := store.Migrate(ctx, st, schema.Migrations, log); err != nil {
		fmt.Fprintln(os.Stderr, "migrate:", err)
		return 1
	}
	testStore = st
	return m.Run()
}
