// Package storetest opens a real store (an embedded JetStream on a
// temporary directory) for tests of the packages built on store. It holds
// no fakes: tests get the same store production uses.
package storetest

import (
	"context"
	"testing"
	"time"

	"gust/internal/store"
)

// Context is t's context with a 30-second bound, cancelled at cleanup.
func Context(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Open starts a store on t.TempDir() and closes it when t ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(Context(t), store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
