package logstore

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Appender stores a batch of one group's lines; Store implements it.
type Appender interface {
	Append(ctx context.Context, group string, entries []Entry) error
}

// WriterOptions configures a Writer.
type WriterOptions struct {
	Appender Appender
	// Buffer is how many lines may wait for the Appender before new ones
	// are dropped. Default DefaultBuffer.
	Buffer int
	Logger *slog.Logger
}

// DefaultBuffer is the default queue length of a Writer.
const DefaultBuffer = 16384

// maxBatch bounds the lines handed to the Appender at once.
const maxBatch = 1024

// closeTimeout bounds how long Close spends storing the lines still queued.
const closeTimeout = 5 * time.Second

// Stats counts a Writer's lines since it started.
type Stats struct {
	Stored  uint64 // accepted by the Appender
	Dropped uint64 // refused because the queue was full (or the Writer closed)
	Failed  uint64 // lost because the Appender returned an error
}

// Writer queues lines for an Appender without ever blocking the caller.
// Its one goroutine is stopped by Close.
type Writer struct {
	app Appender
	log *slog.Logger
	q   chan queued

	stored, dropped, failed atomic.Uint64

	closing   atomic.Bool
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	lastWarn  time.Time // only touched by the goroutine
}

type queued struct {
	group string
	Entry
}

// NewWriter starts a Writer.
func NewWriter(o WriterOptions) *Writer {
	if o.Buffer <= 0 {
		o.Buffer = DefaultBuffer
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	w := &Writer{app: o.Appender, log: o.Logger, q: make(chan queued, o.Buffer), stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// Line queues one line; it never blocks. It implements envs.LogSink.
func (w *Writer) Line(group, stream string, at time.Time, line string) {
	if w.closing.Load() {
		w.dropped.Add(1)
		return
	}
	select {
	case w.q <- queued{group: group, Entry: Entry{Stream: stream, Time: at, Message: line}}:
	default:
		w.dropped.Add(1)
	}
}

// Stats reports the Writer's counters.
func (w *Writer) Stats() Stats {
	return Stats{Stored: w.stored.Load(), Dropped: w.dropped.Load(), Failed: w.failed.Load()}
}

// Close stops taking lines, stores those still queued (for at most a few
// seconds) and stops the goroutine. It is idempotent.
func (w *Writer) Close() error {
	w.closeOnce.Do(func() {
		w.closing.Store(true)
		close(w.stop)
		<-w.done
	})
	return nil
}

// lingerFor is how long the Writer gathers lines before storing them
// while lines keep coming. The lines of several invocations then share a
// batch, and each log stream's share of it one JetStream message. Just as
// important, it never waits on the queue while busy, so a line never has
// to wake the Writer: that wake-up would land on the invocation's path.
// Lines become readable that much later.
const lingerFor = 5 * time.Millisecond

func (w *Writer) run() {
	defer close(w.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batch := make([]queued, 0, maxBatch)
	linger := time.NewTimer(lingerFor)
	linger.Stop()
	for {
		// Idle: the first line wakes the Writer.
		select {
		case q := <-w.q:
			batch = append(batch[:0], q)
		case <-w.stop:
			w.drain(ctx, cancel, batch[:0])
			return
		}
		// Busy: store what gathered every lingerFor until a round finds
		// nothing new (or, with a full batch, at once).
		for {
			if len(batch) < maxBatch {
				linger.Reset(lingerFor)
				select {
				case <-linger.C:
				case <-w.stop:
					linger.Stop()
					w.drain(ctx, cancel, batch)
					return
				}
			}
			batch = w.fill(batch)
			if len(batch) == 0 {
				break
			}
			w.flush(ctx, batch)
			batch = batch[:0]
		}
	}
}

// drain stores batch and every line still queued, for at most
// closeTimeout.
func (w *Writer) drain(ctx context.Context, cancel context.CancelFunc, batch []queued) {
	t := time.AfterFunc(closeTimeout, cancel)
	defer t.Stop()
	for {
		batch = w.fill(batch)
		if len(batch) == 0 {
			return
		}
		w.flush(ctx, batch)
		batch = batch[:0]
	}
}

// fill adds queued lines to batch without waiting.
func (w *Writer) fill(batch []queued) []queued {
	for len(batch) < maxBatch {
		select {
		case q := <-w.q:
			batch = append(batch, q)
		default:
			return batch
		}
	}
	return batch
}

// flush hands the batch to the Appender one group at a time, in order.
func (w *Writer) flush(ctx context.Context, batch []queued) {
	for len(batch) > 0 {
		group := batch[0].group
		var entries []Entry
		n := 0
		for _, q := range batch {
			if q.group == group {
				entries = append(entries, q.Entry)
			} else {
				batch[n] = q
				n++
			}
		}
		batch = batch[:n]
		if err := w.app.Append(ctx, group, entries); err != nil {
			w.failed.Add(uint64(len(entries)))
			if time.Since(w.lastWarn) > 10*time.Second {
				w.lastWarn = time.Now()
				w.log.Warn("storing function log lines", "group", group, "lines", len(entries), "err", err)
			}
			continue
		}
		w.stored.Add(uint64(len(entries)))
	}
}
