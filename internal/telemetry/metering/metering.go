package metering

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"gust/internal/invoke"
	"gust/internal/store"
)

// Prices is the price table, in US dollars.
type Prices struct {
	GBSecond           float64 // per GB-second of billed duration × memory
	PerMillionRequests float64 // per million requests
}

// DefaultPrices is AWS Lambda's public x86 on-demand price in us-east-1.
var DefaultPrices = Prices{GBSecond: 0.0000166667, PerMillionRequests: 0.20}

// Journal stores usage increments; *store.Stream implements it.
type Journal interface {
	Append(ctx context.Context, msgs []store.Message) error
	Read(ctx context.Context, o store.ReadOptions, fn func(store.Message) bool) error
}

// Options wires a Meter.
type Options struct {
	Journal Journal
	Prices  Prices
	// FlushEvery is how often increments are stored; default 5 s.
	FlushEvery time.Duration
	Logger     *slog.Logger
}

// Meter meters invocations. It is safe for concurrent use.
type Meter struct {
	journal Journal
	prices  Prices
	log     *slog.Logger

	mu      sync.Mutex
	pending map[bucket]*totals // observed, not yet handed to the journal

	// flushMu serialises storing increments with reading them, so that
	// Usage never misses an increment being stored or counts it twice.
	flushMu sync.Mutex
	// retry is the last batch whose Append failed, sent again first with
	// the same message IDs so that JetStream keeps each increment once.
	retry  []store.Message // guarded by flushMu
	idBase string
	nextID uint64 // guarded by flushMu

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// bucket is one function's usage in one minute.
type bucket struct {
	function string
	minute   int64 // Unix seconds of the minute's start
}

// totals are exact integer sums.
type totals struct {
	Requests int64 `json:"r"`
	BilledMs int64 `json:"b"`
	MBMs     int64 `json:"mbms"` // billed ms × memory MB
}

func (t *totals) add(o totals) {
	t.Requests += o.Requests
	t.BilledMs += o.BilledMs
	t.MBMs += o.MBMs
}

// increment is one stored message: a bucket's increase (its function is
// the message key).
type increment struct {
	ID     string `json:"id"`
	Minute int64  `json:"m"`
	totals
}

// New starts a Meter; Close stops it.
func New(o Options) *Meter {
	if o.FlushEvery <= 0 {
		o.FlushEvery = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	var nonce [8]byte
	_, _ = rand.Read(nonce[:])
	m := &Meter{journal: o.Journal, prices: o.Prices, log: o.Logger, pending: map[bucket]*totals{},
		idBase: hex.EncodeToString(nonce[:]), stop: make(chan struct{}), done: make(chan struct{})}
	go m.run(o.FlushEvery)
	return m
}

// Observe meters one invocation; it implements invoke.Observer. Throttled
// requests ran nothing and are not billed.
func (m *Meter) Observe(r invoke.Record) {
	if r.Throttled {
		return
	}
	b := bucket{function: r.Function, minute: r.Start.Truncate(time.Minute).Unix()}
	m.mu.Lock()
	t := m.pending[b]
	if t == nil {
		t = &totals{}
		m.pending[b] = t
	}
	t.add(totals{Requests: 1, BilledMs: r.BilledMs, MBMs: r.BilledMs * int64(r.MemoryMB)})
	m.mu.Unlock()
}

// flushTimeout bounds one attempt to store increments; a failed attempt
// is retried at the next flush.
const flushTimeout = 10 * time.Second

func (m *Meter) run(every time.Duration) {
	defer close(m.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
			m.flush(ctx)
			cancel()
		case <-m.stop:
			ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
			m.flush(ctx)
			cancel()
			return
		}
	}
}

// Close stores what is pending and stops the Meter. It is idempotent.
func (m *Meter) Close() error {
	m.closeOnce.Do(func() {
		close(m.stop)
		<-m.done
	})
	return nil
}

// flush appends the pending increments (after a failed batch, first).
func (m *Meter) flush(ctx context.Context) {
	m.flushMu.Lock()
	defer m.flushMu.Unlock()
	m.mu.Lock()
	batch := m.pending
	m.pending = map[bucket]*totals{}
	m.mu.Unlock()
	msgs := m.retry
	for b, t := range batch {
		m.nextID++
		id := fmt.Sprintf("%s-%d", m.idBase, m.nextID)
		data, _ := json.Marshal(increment{ID: id, Minute: b.minute, totals: *t})
		msgs = append(msgs, store.Message{Key: b.function, Data: data, ID: id})
	}
	if len(msgs) == 0 {
		return
	}
	m.retry = nil
	if err := m.journal.Append(ctx, msgs); err != nil {
		m.log.Warn("storing usage; will retry", "increments", len(msgs), "err", err)
		m.retry = msgs
	}
}

// Usage is a sum of invocations and its price.
type Usage struct {
	Requests  int64   `json:"requests"`
	BilledMs  int64   `json:"billed_ms"`
	GBSeconds float64 `json:"gb_seconds"`
	CostUSD   float64 `json:"cost_usd"`
}

// FunctionUsage is one function's Usage.
type FunctionUsage struct {
	Function string `json:"function"`
	Usage
}

// Report is the usage of a time range (zero Start or End: unbounded).
type Report struct {
	Start     *time.Time      `json:"start,omitempty"`
	End       *time.Time      `json:"end,omitempty"`
	Functions []FunctionUsage `json:"functions"`
	Totals    Usage           `json:"totals"`
}

// lookBack is how long before a range's start Usage looks for increments:
// an invocation's increment is stored after it ends (up to 15 minutes
// after it started) and after the next flush.
const lookBack = time.Hour

// Usage reports invocations that started in [start, end) per function,
// sorted by name, with minute granularity.
func (m *Meter) Usage(ctx context.Context, start, end time.Time) (Report, error) {
	first := start.Truncate(time.Minute).Unix()
	in := func(minute int64) bool {
		return (start.IsZero() || minute >= first) && (end.IsZero() || minute < end.Unix())
	}
	sums := map[string]*totals{}
	add := func(function string, t totals) {
		s := sums[function]
		if s == nil {
			s = &totals{}
			sums[function] = s
		}
		s.add(t)
	}

	m.flushMu.Lock()
	defer m.flushMu.Unlock()
	ro := store.ReadOptions{}
	if !start.IsZero() {
		ro.FromTime = start.Add(-lookBack)
	}
	// A failed batch may have been stored in part: count what was not.
	unstored := map[string]store.Message{}
	for _, msg := range m.retry {
		unstored[msg.ID] = msg
	}
	var bad error
	err := m.journal.Read(ctx, ro, func(msg store.Message) bool {
		var inc increment
		if err := json.Unmarshal(msg.Data, &inc); err != nil {
			bad = fmt.Errorf("usage record %d: %w", msg.Seq, err)
			return false
		}
		delete(unstored, inc.ID)
		if in(inc.Minute) {
			add(msg.Key, inc.totals)
		}
		return true
	})
	if err == nil {
		err = bad
	}
	if err != nil {
		return Report{}, fmt.Errorf("reading usage: %w", err)
	}
	for _, msg := range unstored {
		var inc increment
		if json.Unmarshal(msg.Data, &inc) == nil && in(inc.Minute) {
			add(msg.Key, inc.totals)
		}
	}
	m.mu.Lock()
	for b, t := range m.pending {
		if in(b.minute) {
			add(b.function, *t)
		}
	}
	m.mu.Unlock()

	r := Report{Functions: []FunctionUsage{}}
	if !start.IsZero() {
		r.Start = &start
	}
	if !end.IsZero() {
		r.End = &end
	}
	var all totals
	for _, fn := range slices.SortedFunc(maps.Keys(sums), strings.Compare) {
		r.Functions = append(r.Functions, FunctionUsage{Function: fn, Usage: m.price(*sums[fn])})
		all.add(*sums[fn])
	}
	r.Totals = m.price(all)
	return r, nil
}

// price turns integer sums into a Usage: GB-seconds are MB·ms / (1024 ×
// 1000).
func (m *Meter) price(t totals) Usage {
	gbs := float64(t.MBMs) / (1024 * 1000)
	return Usage{
		Requests:  t.Requests,
		BilledMs:  t.BilledMs,
		GBSeconds: gbs,
		CostUSD:   Cost(gbs, t.Requests, m.prices),
	}
}

// Cost is the price of gbSeconds and requests.
func Cost(gbSeconds float64, requests int64, p Prices) float64 {
	return gbSeconds*p.GBSecond + float64(requests)*p.PerMillionRequests/1e6
}
