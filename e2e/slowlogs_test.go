package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gust/internal/envs"
	"gust/internal/gusttest"
	"gust/internal/sandbox/process"
	"gust/internal/store"
	"gust/internal/telemetry/logstore"
)

// stallingStore is the real log store behind a switch: while stalled,
// every Append waits until released, as if JetStream had stopped
// answering.
type stallingStore struct {
	next logstore.Appender

	mu      sync.Mutex
	stall   chan struct{} // non-nil while stalled
	waiting atomic.Int64  // Append calls that found the store stalled
}

func (s *stallingStore) Append(ctx context.Context, group string, entries []logstore.Entry) error {
	s.mu.Lock()
	stall := s.stall
	s.mu.Unlock()
	if stall != nil {
		s.waiting.Add(1)
		select {
		case <-stall:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return s.next.Append(ctx, group, entries)
}

func (s *stallingStore) hold() {
	s.mu.Lock()
	s.stall = make(chan struct{})
	s.mu.Unlock()
}

func (s *stallingStore) release() {
	s.mu.Lock()
	close(s.stall)
	s.stall = nil
	s.mu.Unlock()
}

// countingSink counts the lines environments print on their way to the
// Writer.
type countingSink struct {
	next  envs.LogSink
	lines atomic.Uint64
}

func (c *countingSink) Line(group, stream string, at time.Time, line string) {
	c.lines.Add(1)
	c.next.Line(group, stream, at, line)
}

// goFunctionDir unpacks the Go fixture for an in-process environment.
func goFunctionDir(t testing.TB) string {
	t.Helper()
	data := goFunctionZip(t)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.Name), body, f.Mode()); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestSlowLogStoreDoesNotSlowInvocations runs the same invocations, each
// printing 300 lines, against the log store as it is and with the store
// stalled. Invocations must all complete while the store is stalled
// (so they never wait for it), the lines that do not fit the Writer's
// queue must be dropped and counted, and every line must be accounted for
// once the store answers again.
func TestSlowLogStoreDoesNotSlowInvocations(t *testing.T) {
	ctx := gusttest.Context(t)
	st, err := store.Open(ctx, store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	logs := logstore.New(st)
	stalling := &stallingStore{next: logs}
	writer := logstore.NewWriter(logstore.WriterOptions{Appender: stalling, Buffer: 4096})
	defer writer.Close()
	sink := &countingSink{next: writer}
	backend, err := process.New(process.Options{})
	if err != nil {
		t.Fatal(err)
	}
	manager := envs.NewManager(envs.Options{Backend: backend, Logs: sink, IdleTimeout: time.Minute})
	defer manager.Close()

	cfg := envs.Config{
		Function: "chatty", Version: "$LATEST", RevisionID: "r1", ARN: "arn:aws:lambda:us-east-1:000000000000:function:chatty",
		Runtime: "provided.al2023", Handler: "bootstrap", MemoryMB: 128, TmpMB: 512, Timeout: 10 * time.Second,
		CodeDir: goFunctionDir(t), Region: "us-east-1", LogGroup: "/aws/lambda/chatty",
	}
	calls := 0
	invoke := func() time.Duration {
		calls++
		start := time.Now()
		res, err := manager.Invoke(ctx, cfg, envs.Invocation{RequestID: fmt.Sprintf("req-%d", calls), Payload: []byte(`{"action":"lines","n":300,"arg":"chatter"}`)})
		took := time.Since(start)
		if err != nil || res.Err != nil {
			t.Fatalf("invocation %d: %v %+v", calls, err, res.Err)
		}
		return took
	}
	run := func(n int) latencies {
		var l latencies
		for range n {
			l = append(l, invoke())
		}
		return l
	}
	invoke() // cold start, not measured

	// Rounds alternate between the two, so that whatever else the machine
	// does weighs on both alike.
	var normal, stalled latencies
	var droppedNormal, droppedStalled, printedNormal, printedStalled uint64
	handled := func() bool { s := writer.Stats(); return s.Stored+s.Dropped+s.Failed == sink.lines.Load() }
	for round := range 4 {
		before, lines := writer.Stats(), sink.lines.Load()
		normal = append(normal, run(20)...)
		gusttest.WaitFor(t, 20*time.Second, "every line stored or dropped", handled)
		droppedNormal += writer.Stats().Dropped - before.Dropped
		printedNormal += sink.lines.Load() - lines

		before, lines = writer.Stats(), sink.lines.Load()
		stalling.hold()
		stalled = append(stalled, run(20)...)
		// Every invocation above returned while the store was stalled.
		if stalling.waiting.Load() == 0 {
			t.Fatal("the Writer never reached the stalled store")
		}
		during := writer.Stats()
		if during.Dropped == before.Dropped || during.Stored != before.Stored {
			t.Errorf("round %d, while stalled: %+v, before %+v", round, during, before)
		}
		droppedStalled += during.Dropped - before.Dropped
		printedStalled += sink.lines.Load() - lines
		stalling.release()
		gusttest.WaitFor(t, 20*time.Second, "the queued lines stored", handled)
		if after := writer.Stats(); after.Stored <= during.Stored {
			t.Errorf("round %d: nothing stored once the store answered: %+v", round, after)
		}
	}
	t.Logf("p50 %.3f ms with the store, %.3f ms with it stalled (x%.2f); p99 %.3f / %.3f ms; lines dropped: %d of %d with the store, %d of %d stalled",
		ms(normal.pct(0.5)), ms(stalled.pct(0.5)), float64(stalled.pct(0.5))/float64(normal.pct(0.5)),
		ms(normal.pct(0.99)), ms(stalled.pct(0.99)), droppedNormal, printedNormal, droppedStalled, printedStalled)

	// Every line was stored or counted as dropped, and the store holds
	// exactly what was stored.
	manager.Close()
	writer.Close()
	final := writer.Stats()
	if final.Stored+final.Dropped != sink.lines.Load() || final.Failed != 0 {
		t.Errorf("lines: %+v, printed %d", final, sink.lines.Load())
	}
	var stored []logstore.Event
	for q := (logstore.Query{Group: "/aws/lambda/chatty"}); ; {
		page, err := logs.Scan(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, page.Events...)
		if q.From = page.Next; q.From == 0 {
			break
		}
	}
	if uint64(len(stored)) != final.Stored {
		t.Errorf("the store holds %d events, the Writer stored %d", len(stored), final.Stored)
	}
	if !slices.ContainsFunc(stored, func(e logstore.Event) bool { return e.Message == "line 299 chatter" }) {
		t.Error("stored lines lack the function's output")
	}
}
