package store_test

import (
	"errors"
	"testing"
	"time"

	"gust/internal/store"
	"gust/internal/store/storetest"
)

func TestCachedTableFollowsOtherWriters(t *testing.T) {
	ctx := storetest.Context(t)
	s := storetest.OpenDir(t, t.TempDir())
	direct := storetest.Table(t, s, "cached")
	cached, err := storetest.Table(t, s, "cached").Cached(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := direct.Create(ctx, "k", []byte("v1")); err != nil {
		t.Fatal(err)
	}
	rec, err := cached.Get(ctx, "k")
	if err != nil || string(rec.Value) != "v1" {
		t.Fatalf("first read = %q, %v", rec.Value, err)
	}
	// Another writer (another node, in production) changes the key: the
	// watch brings the cache up to date.
	if _, err := direct.Update(ctx, "k", []byte("v2"), rec.Revision); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		rec, err = cached.Get(ctx, "k")
		if err == nil && string(rec.Value) == "v2" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cache still answers %q after another writer's update", rec.Value)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Its own writes are visible at once.
	if _, err := cached.Update(ctx, "k", []byte("v3"), rec.Revision); err != nil {
		t.Fatal(err)
	}
	if rec, _ := cached.Get(ctx, "k"); string(rec.Value) != "v3" {
		t.Fatalf("own update not visible: %q", rec.Value)
	}
	if err := cached.Delete(ctx, "k", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := cached.Get(ctx, "k"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted key still cached: %v", err)
	}
}

func TestCachedTableRemembersAbsentKeys(t *testing.T) {
	ctx := storetest.Context(t)
	s := storetest.OpenDir(t, t.TempDir())
	direct := storetest.Table(t, s, "absent")
	cached, err := storetest.Table(t, s, "absent").Cached(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second read is served from memory
		if _, err := cached.Get(ctx, "k"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing key: %v", err)
		}
	}
	// Another writer creates it: the watch forgets that it was absent.
	if _, err := direct.Create(ctx, "k", []byte("v1")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		rec, err := cached.Get(ctx, "k")
		if err == nil && string(rec.Value) == "v1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("cache still answers %v after another writer's create", err)
		}
		time.Sleep(5 * time.Millisecond) // polling the watch
	}
	// Its own creates are visible at once.
	if _, err := cached.Get(ctx, "k2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing key: %v", err)
	}
	if _, err := cached.Create(ctx, "k2", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if rec, err := cached.Get(ctx, "k2"); err != nil || string(rec.Value) != "v" {
		t.Fatalf("own create not visible: %q, %v", rec.Value, err)
	}
}
