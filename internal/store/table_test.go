package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"gust/internal/store"
	"gust/internal/store/storetest"
)

func TestTableCRUD(t *testing.T) {
	ctx := storetest.Context(t)
	tb := storetest.Table(t, storetest.OpenDir(t, t.TempDir()), "crud")

	if _, err := tb.Get(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get missing: got %v, want ErrNotFound", err)
	}
	rev1, err := tb.Create(ctx, "a", []byte("one"))
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	if _, err := tb.Create(ctx, "a", []byte("again")); !errors.Is(err, store.ErrExists) {
		t.Fatalf("Create existing: got %v, want ErrExists", err)
	}
	rec, err := tb.Get(ctx, "a")
	if err != nil || rec.Key != "a" || string(rec.Value) != "one" || rec.Revision != rev1 {
		t.Fatalf("Get = %+v, %v", rec, err)
	}

	rev2, err := tb.Update(ctx, "a", []byte("two"), rev1)
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if rev2 <= rev1 {
		t.Fatalf("revision did not grow: %d then %d", rev1, rev2)
	}
	if _, err := tb.Update(ctx, "a", []byte("stale"), rev1); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale Update: got %v, want ErrConflict", err)
	}
	if _, err := tb.Update(ctx, "a", []byte("zero"), 0); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("Update revision 0 on existing key: got %v, want ErrConflict", err)
	}
	if _, err := tb.Update(ctx, "missing", []byte("x"), rev2); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Update missing: got %v, want ErrNotFound", err)
	}
	if _, err := tb.Update(ctx, "missing", []byte("x"), 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Update missing with revision 0: got %v, want ErrNotFound", err)
	}
	if _, err := tb.Get(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a failed Update created the key: %v", err)
	}

	if err := tb.Delete(ctx, "a", rev1); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale Delete: got %v, want ErrConflict", err)
	}
	if err := tb.Delete(ctx, "a", rev2); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := tb.Get(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get deleted: got %v, want ErrNotFound", err)
	}
	if err := tb.Delete(ctx, "a", 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Delete deleted: got %v, want ErrNotFound", err)
	}
	if _, err := tb.Update(ctx, "a", []byte("x"), rev2); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Update deleted: got %v, want ErrNotFound", err)
	}

	rev3, err := tb.Create(ctx, "a", []byte("three"))
	if err != nil {
		t.Fatalf("re-Create after Delete: %v", err)
	}
	if rec, err := tb.Get(ctx, "a"); err != nil || string(rec.Value) != "three" || rec.Revision != rev3 {
		t.Fatalf("Get re-created = %+v, %v", rec, err)
	}
	if err := tb.Delete(ctx, "a", 0); err != nil {
		t.Fatalf("unconditional Delete: %v", err)
	}
	if err := tb.Delete(ctx, "never", 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Delete never-created: got %v, want ErrNotFound", err)
	}
}

func TestTableInvalidNames(t *testing.T) {
	ctx := storetest.Context(t)
	s := storetest.OpenDir(t, t.TempDir())
	if _, err := s.Table(ctx, "bad.name"); !errors.Is(err, store.ErrInvalidKey) {
		t.Fatalf("Table with dot: got %v, want ErrInvalidKey", err)
	}
	tb := storetest.Table(t, s, "keys")
	for _, key := range []string{"", "a:b", ".a", "a.", "a..b", "a b", "a*", "a>", "ü"} {
		if store.ValidKey(key) {
			t.Errorf("ValidKey(%q) = true", key)
		}
		if _, err := tb.Create(ctx, key, nil); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("Create(%q): got %v, want ErrInvalidKey", key, err)
		}
		if _, err := tb.Get(ctx, key); !errors.Is(err, store.ErrInvalidKey) {
			t.Errorf("Get(%q): got %v, want ErrInvalidKey", key, err)
		}
	}
	for _, key := range []string{"a", "fn.my-func_1", "a/b=c", "A.B.C"} {
		if !store.ValidKey(key) {
			t.Errorf("ValidKey(%q) = false", key)
		}
		if _, err := tb.Create(ctx, key, []byte("v")); err != nil {
			t.Errorf("Create(%q): %v", key, err)
		}
	}
}

func TestUpdateConcurrentOneWins(t *testing.T) {
	ctx := storetest.Context(t)
	tb := storetest.Table(t, storetest.OpenDir(t, t.TempDir()), "race")
	rev, err := tb.Create(ctx, "k", []byte("0"))
	if err != nil {
		t.Fatal(err)
	}

	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = tb.Update(ctx, "k", fmt.Appendf(nil, "%d", i), rev)
		})
	}
	close(start)
	wg.Wait()

	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("goroutine %d: got %v, want nil or ErrConflict", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d updates won, want exactly 1", wins, n)
	}
}

func TestDeleteConcurrentOneWins(t *testing.T) {
	ctx := storetest.Context(t)
	tb := storetest.Table(t, storetest.OpenDir(t, t.TempDir()), "delrace")
	rev, err := tb.Create(ctx, "k", []byte("0"))
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { errs[i] = tb.Delete(ctx, "k", rev) })
	}
	wg.Wait()
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
		case !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrConflict):
			t.Errorf("goroutine %d: unexpected %v", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d deletes won, want exactly 1", wins, n)
	}
}

func TestKeys(t *testing.T) {
	ctx := storetest.Context(t)
	tb := storetest.Table(t, storetest.OpenDir(t, t.TempDir()), "keys")

	keys, err := tb.Keys(ctx, "")
	if err != nil {
		t.Fatalf("Keys on empty table: %v", err)
	}
	if keys == nil || len(keys) != 0 {
		t.Fatalf("Keys on empty table = %#v, want empty non-nil slice", keys)
	}

	for _, k := range []string{"fn.b", "fn.a", "fn-x", "fnz", "alias.a.b", "alias.ab", "gone.1", "other"} {
		if _, err := tb.Create(ctx, k, []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	if err := tb.Delete(ctx, "gone.1", 0); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		prefix string
		want   []string
	}{
		{"", []string{"alias.a.b", "alias.ab", "fn-x", "fn.a", "fn.b", "fnz", "other"}},
		{"fn", []string{"fn-x", "fn.a", "fn.b", "fnz"}},
		{"fn.", []string{"fn.a", "fn.b"}},
		{"fn.a", []string{"fn.a"}},
		{"alias.a", []string{"alias.a.b", "alias.ab"}},
		{"alias.a.", []string{"alias.a.b"}},
		{"gone", []string{}},
		{"nothing", []string{}},
		{"a:b", []string{}},
		{".fn", []string{}},
		{"fn..a", []string{}},
		{"*", []string{}},
		{"fn.*", []string{}},
	} {
		got, err := tb.Keys(ctx, tc.prefix)
		if err != nil {
			t.Errorf("Keys(%q): %v", tc.prefix, err)
			continue
		}
		if !slices.Equal(got, tc.want) || got == nil {
			t.Errorf("Keys(%q) = %#v, want %#v", tc.prefix, got, tc.want)
		}
	}
}

type change struct {
	key     string
	deleted bool
}

func TestWatch(t *testing.T) {
	ctx := storetest.Context(t)
	s := storetest.OpenDir(t, t.TempDir())
	tb := storetest.Table(t, s, "watch")

	if _, err := tb.Create(ctx, "before", []byte("v")); err != nil {
		t.Fatal(err)
	}
	changes := make(chan change, 64)
	if err := tb.Watch(ctx, func(key string, deleted bool) {
		changes <- change{key, deleted}
	}); err != nil {
		t.Fatalf("Watch: %v", err)
	}

	next := func(want change) {
		t.Helper()
		select {
		case got := <-changes:
			if got != want {
				t.Fatalf("change = %+v, want %+v", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("change %+v never arrived", want)
		}
	}
	// One write at a time: with history 1, JetStream may coalesce quick
	// successive writes to one key into the last of them.
	rev, err := tb.Create(ctx, "k", []byte("1"))
	if err != nil {
		t.Fatal(err)
	}
	next(change{"k", false})
	rev, err = tb.Update(ctx, "k", []byte("2"), rev)
	if err != nil {
		t.Fatal(err)
	}
	next(change{"k", false})
	if err := tb.Delete(ctx, "k", rev); err != nil {
		t.Fatal(err)
	}
	next(change{"k", true})

	// A burst of writes: whatever is coalesced, the last change arrives.
	for i := range 20 {
		if _, err := tb.Create(ctx, fmt.Sprintf("burst%d", i), nil); err != nil {
			t.Fatal(err)
		}
		if err := tb.Delete(ctx, fmt.Sprintf("burst%d", i), 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tb.Create(ctx, "last", nil); err != nil {
		t.Fatal(err)
	}
	for {
		select {
		case got := <-changes:
			if got.key == "last" {
				if got.deleted {
					t.Fatal("create of last reported as delete")
				}
				return
			}
		case <-time.After(10 * time.Second):
			t.Fatal("last change never arrived")
		}
	}
}

func TestWatchStopsWithContext(t *testing.T) {
	ctx := storetest.Context(t)
	s := storetest.OpenDir(t, t.TempDir())
	tb := storetest.Table(t, s, "watchstop")

	wctx, cancel := context.WithCancel(ctx)
	changes := make(chan string, 16)
	if err := tb.Watch(wctx, func(key string, _ bool) { changes <- key }); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.Create(ctx, "one", nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
	case <-time.After(10 * time.Second):
		t.Fatal("first change never arrived")
	}
	cancel()
	// A second watcher proves later changes are delivered; the cancelled one
	// must not see them. Changes are delivered in order, so once the second
	// watcher has seen "two", the first would have too.
	seen := make(chan string, 16)
	if err := tb.Watch(ctx, func(key string, _ bool) { seen <- key }); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.Create(ctx, "two", nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-seen:
	case <-time.After(10 * time.Second):
		t.Fatal("second watcher saw nothing")
	}
	select {
	case k := <-changes:
		t.Fatalf("cancelled watcher still called with %q", k)
	default:
	}
}
