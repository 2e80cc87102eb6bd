// Package storetest gives tests a real store: an embedded NATS server with
// JetStream on a temporary directory, closed when the test ends (as
// nats-server's RunBasicJetStreamServer does for its own tests). It is for
// _test.go files only; it fakes nothing.
package storetest

import (
	"context"
	"testing"
	"time"

	"gust/internal/store"
)

// Context is the test's context with a 30 s bound, for store calls.
func Context(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Open starts a store on a new temporary directory.
func Open(t testing.TB) *store.Store {
	t.Helper()
	return OpenDir(t, t.TempDir())
}

// OpenDir starts a store on dir (to reopen one a test closed); it is closed
// when the test ends, and a failing Close fails the test.
func OpenDir(t testing.TB, dir string) *store.Store {
	t.Helper()
	s, err := store.Open(Context(t), store.Options{DataDir: dir})
	if err != nil {
		t.Fatalf("opening store: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("closing store: %v", err)
		}
	})
	return s
}

// Table opens (creating it if needed) the table name of s.
func Table(t testing.TB, s *store.Store, name string) *store.Table {
	t.Helper()
	tb, err := s.Table(Context(t), name)
	if err != nil {
		t.Fatalf("opening table %s: %v", name, err)
	}
	return tb
}
