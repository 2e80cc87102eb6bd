package store_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"gust/internal/store"
	"gust/internal/store/storetest"
)

func TestOpenNeedsDataDir(t *testing.T) {
	if _, err := store.Open(storetest.Context(t), store.Options{}); err == nil {
		t.Fatal("Open without DataDir or NATSURL succeeded")
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	s, err := store.Open(storetest.Context(t), store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("first Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if !s.Conn().IsClosed() {
		t.Fatal("connection still open after Close")
	}
}

func TestDataSurvivesReopen(t *testing.T) {
	ctx := storetest.Context(t)
	dir := t.TempDir()

	s, err := store.Open(ctx, store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := s.Table(ctx, "functions")
	if err != nil {
		t.Fatal(err)
	}
	rev, err := tb.Create(ctx, "my-func", []byte("v1"))
	if err != nil {
		t.Fatal(err)
	}
	code := randomBytes(t, 300*1024)
	sha, err := s.PutCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := storetest.OpenDir(t, dir)
	tb2 := storetest.Table(t, s2, "functions")
	got, err := tb2.Get(ctx, "my-func")
	if err != nil {
		t.Fatalf("Get after reopen: %v", err)
	}
	if string(got.Value) != "v1" || got.Revision != rev {
		t.Fatalf("after reopen got %q rev %d, want %q rev %d", got.Value, got.Revision, "v1", rev)
	}
	data, err := s2.GetCode(ctx, sha)
	if err != nil {
		t.Fatalf("GetCode after reopen: %v", err)
	}
	if !bytes.Equal(data, code) {
		t.Fatal("code changed across reopen")
	}
	// The revision still works for compare-and-swap.
	if _, err := tb2.Update(ctx, "my-func", []byte("v2"), rev); err != nil {
		t.Fatalf("Update with pre-restart revision: %v", err)
	}
}

// TestExternalCluster proves the same API works against a separate
// nats-server reached over TCP.
func TestExternalCluster(t *testing.T) {
	srv, err := server.NewServer(&server.Options{
		Host:      "127.0.0.1",
		Port:      -1,
		JetStream: true,
		StoreDir:  t.TempDir(),
		NoLog:     true,
		NoSigs:    true,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	t.Cleanup(func() {
		srv.Shutdown()
		srv.WaitForShutdown()
	})
	if !srv.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server not ready")
	}

	ctx := storetest.Context(t)
	// One server cannot hold 3 replicas.
	s, err := store.Open(ctx, store.Options{NATSURL: srv.ClientURL(), Replicas: 1})
	if err != nil {
		t.Fatalf("Open external: %v", err)
	}
	t.Cleanup(func() { s.Close() })

	tb := storetest.Table(t, s, "functions")
	rev, err := tb.Create(ctx, "f", []byte("a"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tb.Update(ctx, "f", []byte("b"), rev+100); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale Update: got %v, want ErrConflict", err)
	}
	if _, err := tb.Update(ctx, "f", []byte("b"), rev); err != nil {
		t.Fatal(err)
	}
	keys, err := tb.Keys(ctx, "")
	if err != nil || len(keys) != 1 || keys[0] != "f" {
		t.Fatalf("Keys = %v, %v", keys, err)
	}
	code := randomBytes(t, 200*1024)
	sha, err := s.PutCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetCode(ctx, sha)
	if err != nil || !bytes.Equal(got, code) {
		t.Fatalf("GetCode: %v", err)
	}
	if err := tb.Delete(ctx, "f", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.Get(ctx, "f"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}

	// A second store (another node) sees the same data.
	s2, err := store.Open(ctx, store.Options{NATSURL: srv.ClientURL(), Replicas: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	if _, err := s2.GetCode(ctx, sha); err != nil {
		t.Fatalf("second node GetCode: %v", err)
	}
}

func TestExternalUnreachable(t *testing.T) {
	// Port 1 on loopback refuses connections.
	if _, err := store.Open(storetest.Context(t), store.Options{NATSURL: "nats://127.0.0.1:1"}); err == nil {
		t.Fatal("Open against an unreachable server succeeded")
	}
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// syncBuffer is a bytes.Buffer safe for the server's logging goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestEmbeddedLogsViaSlog(t *testing.T) {
	var out syncBuffer
	logger := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s, err := store.Open(storetest.Context(t), store.Options{DataDir: t.TempDir(), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"component=nats", "Starting nats-server", "store ready"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, out.String())
		}
	}
}
