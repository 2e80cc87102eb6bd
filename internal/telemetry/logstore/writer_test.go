package logstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"gust/internal/telemetry/logstore"
)

// gate is an Appender that holds every Append until it is opened, like a
// store that has stopped answering.
type gate struct {
	entered chan struct{} // receives once per Append call
	open    chan struct{}
	fail    error

	mu    sync.Mutex
	lines []string
}

func newGate() *gate { return &gate{entered: make(chan struct{}, 1000), open: make(chan struct{})} }

func (g *gate) Append(ctx context.Context, group string, entries []logstore.Entry) error {
	g.entered <- struct{}{}
	select {
	case <-g.open:
	case <-ctx.Done():
		return ctx.Err()
	}
	if g.fail != nil {
		return g.fail
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, e := range entries {
		g.lines = append(g.lines, group+"/"+e.Stream+":"+e.Message)
	}
	return nil
}

func (g *gate) stored() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.lines...)
}

// Line never waits for the store: with the Appender stuck, lines beyond
// the queue are dropped and counted, and every line is accounted for.
func TestWriterDropsInsteadOfBlocking(t *testing.T) {
	g := newGate()
	w := logstore.NewWriter(logstore.WriterOptions{Appender: g, Buffer: 4})
	w.Line("g", "s", time.Now(), "first")
	<-g.entered // the goroutine holds "first" and is stuck in Append

	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 100 {
			w.Line("g", "s", time.Now(), fmt.Sprint(i))
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Line blocked while the Appender was stuck")
	}
	if st := w.Stats(); st.Dropped != 96 || st.Stored != 0 {
		t.Fatalf("while stuck: %+v, want 96 dropped (a queue of 4 holds 0..3)", st)
	}
	close(g.open)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	st := w.Stats()
	if st.Stored != 5 || st.Dropped != 96 || st.Failed != 0 {
		t.Errorf("after Close: %+v", st)
	}
	want := []string{"g/s:first", "g/s:0", "g/s:1", "g/s:2", "g/s:3"}
	if got := g.stored(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stored %v, want %v", got, want)
	}
	w.Line("g", "s", time.Now(), "after close")
	if w.Stats().Dropped != 97 {
		t.Errorf("a line after Close was not counted as dropped")
	}
}

func TestWriterGroupsBatchesAndCountsFailures(t *testing.T) {
	g := newGate()
	close(g.open)
	g.fail = errors.New("store down")
	w := logstore.NewWriter(logstore.WriterOptions{Appender: g})
	for i := range 10 {
		w.Line(fmt.Sprint("group", i%2), "s", time.Now(), "x")
	}
	w.Close()
	if st := w.Stats(); st.Failed != 10 || st.Stored != 0 || st.Dropped != 0 {
		t.Errorf("stats = %+v", st)
	}
}

// Lines of several groups keep their order within each group.
func TestWriterKeepsOrderPerGroup(t *testing.T) {
	g := newGate()
	close(g.open)
	w := logstore.NewWriter(logstore.WriterOptions{Appender: g})
	for i := range 50 {
		w.Line(fmt.Sprint("g", i%3), "s", time.Now(), fmt.Sprint(i))
	}
	w.Close()
	last := map[string]int{}
	for _, l := range g.stored() {
		var grp string
		var n int
		if _, err := fmt.Sscanf(l, "%2s/s:%d", &grp, &n); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		if prev, ok := last[grp]; ok && n <= prev {
			t.Errorf("group %s: %d after %d", grp, n, prev)
		}
		last[grp] = n
	}
	if w.Stats().Stored != 50 {
		t.Errorf("stats = %+v", w.Stats())
	}
}

// BenchmarkLine is the cost a printed line adds to an environment's log
// reader goroutine.
func BenchmarkLine(b *testing.B) {
	w := logstore.NewWriter(logstore.WriterOptions{Appender: discard{}})
	defer w.Close()
	at := time.Now()
	for b.Loop() {
		w.Line("/aws/lambda/bench", "2024/01/01/[$LATEST]0123456789abcdef0123456789abcdef", at, "a line a function printed")
	}
}

type discard struct{}

func (discard) Append(context.Context, string, []logstore.Entry) error { return nil }
