// Package testenv gives tests the real components they run against. It is
// for tests only.
package testenv

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/earshot-dev/earshot/schema"
	"github.com/earshot-dev/earshot/store"
)

// Store opens the embedded engine in a new temp directory and applies the
// schema. libchdb allows one engine per process, so a test package calls it
// once, from TestMain, and shares the store; done closes it and removes the
// directory.
func Store() (st store.Store, done func(), err error) {
	dir, err := os.MkdirTemp("", "earshot-test-store")
	if err != nil {
		return nil, nil, err
	}
	ctx := context.Background()
	log := slog.New(slog.DiscardHandler)
	st, err = store.Open(ctx, store.Config{DataDir: dir}, log)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("open embedded store: %w", err)
	}
	if _, err := store.Migrate(ctx, st, schema.Migrations, log); err != nil {
		st.Close()
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("migrate: %w", err)
	}
	return st, func() { st.Close(); os.RemoveAll(dir) }, nil
}
