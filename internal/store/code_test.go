package store_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"

	"gust/internal/store"
	"gust/internal/store/storetest"
)

func TestCode(t *testing.T) {
	ctx := storetest.Context(t)
	s := storetest.OpenDir(t, t.TempDir())

	code := randomBytes(t, 1<<20+123) // several chunks, uneven tail
	sum := sha256.Sum256(code)
	wantKey := hex.EncodeToString(sum[:])

	key, err := s.PutCode(ctx, code)
	if err != nil {
		t.Fatalf("PutCode: %v", err)
	}
	if key != wantKey {
		t.Fatalf("PutCode key = %s, want %s", key, wantKey)
	}
	got, err := s.GetCode(ctx, key)
	if err != nil {
		t.Fatalf("GetCode: %v", err)
	}
	if !bytes.Equal(got, code) {
		t.Fatal("GetCode returned different bytes")
	}

	// The same bytes again: same key, nothing new stored.
	stream, err := s.JetStream().Stream(ctx, "OBJ_gust_code")
	if err != nil {
		t.Fatal(err)
	}
	before, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	key2, err := s.PutCode(ctx, bytes.Clone(code))
	if err != nil || key2 != key {
		t.Fatalf("second PutCode = %s, %v; want %s", key2, err, key)
	}
	after, err := stream.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.State.Msgs != before.State.Msgs || after.State.Bytes != before.State.Bytes {
		t.Fatalf("second PutCode stored a copy: %d msgs/%d bytes, then %d/%d",
			before.State.Msgs, before.State.Bytes, after.State.Msgs, after.State.Bytes)
	}

	empty, err := s.PutCode(ctx, nil)
	if err != nil {
		t.Fatalf("PutCode(empty): %v", err)
	}
	if b, err := s.GetCode(ctx, empty); err != nil || len(b) != 0 {
		t.Fatalf("GetCode(empty) = %d bytes, %v", len(b), err)
	}

	missing := hex.EncodeToString(make([]byte, 32))
	if _, err := s.GetCode(ctx, missing); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetCode missing: got %v, want ErrNotFound", err)
	}
	if err := s.DeleteCode(ctx, missing); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("DeleteCode missing: got %v, want ErrNotFound", err)
	}
	if _, err := s.GetCode(ctx, "../etc"); !errors.Is(err, store.ErrInvalidKey) {
		t.Fatalf("GetCode malformed: got %v, want ErrInvalidKey", err)
	}

	if err := s.DeleteCode(ctx, key); err != nil {
		t.Fatalf("DeleteCode: %v", err)
	}
	if _, err := s.GetCode(ctx, key); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetCode deleted: got %v, want ErrNotFound", err)
	}
	if err := s.DeleteCode(ctx, key); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("DeleteCode twice: got %v, want ErrNotFound", err)
	}
	if _, err := s.PutCode(ctx, code); err != nil {
		t.Fatalf("PutCode after delete: %v", err)
	}
	if got, err := s.GetCode(ctx, key); err != nil || !bytes.Equal(got, code) {
		t.Fatalf("GetCode after re-put: %v", err)
	}
}

// TestCodeMaxSize stores a package at Lambda's 50 MB zip limit.
func TestCodeMaxSize(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB round trip")
	}
	ctx := storetest.Context(t)
	s := storetest.OpenDir(t, t.TempDir())
	code := randomBytes(t, 50<<20)
	key, err := s.PutCode(ctx, code)
	if err != nil {
		t.Fatalf("PutCode 50 MB: %v", err)
	}
	got, err := s.GetCode(ctx, key)
	if err != nil || !bytes.Equal(got, code) {
		t.Fatalf("GetCode 50 MB: %v", err)
	}
}
