package metering_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gust/internal/invoke"
	"gust/internal/store"
	"gust/internal/store/storetest"
	"gust/internal/telemetry/metering"
)

func openJournal(t *testing.T, dir string) *store.Stream {
	t.Helper()
	st := storetest.OpenDir(t, dir)
	j, err := st.Stream(storetest.Context(t), "usage", store.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func usage(t *testing.T, m *metering.Meter, start, end time.Time) metering.Report {
	t.Helper()
	r, err := m.Usage(storetest.Context(t), start, end)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestUsageIsExactAndSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	journal := openJournal(t, dir)
	m := metering.New(metering.Options{Journal: journal, Prices: metering.DefaultPrices, FlushEvery: time.Hour})
	now := time.Now()
	for _, r := range []invoke.Record{
		{Function: "small", Start: now, BilledMs: 3, MemoryMB: 128},
		{Function: "small", Start: now, BilledMs: 101, MemoryMB: 128, ErrorType: "Runtime.ExitError"},
		{Function: "big", Start: now, BilledMs: 1500, MemoryMB: 10240},
		{Function: "big", Start: now, MemoryMB: 10240, Throttled: true},
	} {
		m.Observe(r)
	}
	want := metering.Report{
		Functions: []metering.FunctionUsage{
			{Function: "big", Usage: metering.Usage{Requests: 1, BilledMs: 1500, GBSeconds: 15}},
			{Function: "small", Usage: metering.Usage{Requests: 2, BilledMs: 104, GBSeconds: float64(104*128) / 1024000}},
		},
		Totals: metering.Usage{Requests: 3, BilledMs: 1604, GBSeconds: float64(1500*10240+104*128) / 1024000},
	}
	for i := range want.Functions {
		u := &want.Functions[i].Usage
		u.CostUSD = u.GBSeconds*0.0000166667 + float64(u.Requests)*0.20/1e6
	}
	want.Totals.CostUSD = want.Totals.GBSeconds*0.0000166667 + float64(want.Totals.Requests)*0.20/1e6
	check := func(when string, got metering.Report) {
		t.Helper()
		if len(got.Functions) != 2 || got.Functions[0] != want.Functions[0] || got.Functions[1] != want.Functions[1] || got.Totals != want.Totals {
			t.Errorf("%s: usage = %+v\nwant %+v", when, got, want)
		}
	}
	check("before it is stored", usage(t, m, time.Time{}, time.Time{}))
	m.Close()
	check("after Close", usage(t, m, time.Time{}, time.Time{}))
	again := metering.New(metering.Options{Journal: journal, Prices: metering.DefaultPrices})
	defer again.Close()
	check("from a new Meter", usage(t, again, time.Time{}, time.Time{}))
	if want.Functions[0].CostUSD != 15*0.0000166667+0.20/1e6 {
		t.Errorf("cost of 15 GB-s and one request = %v", want.Functions[0].CostUSD)
	}
}

func TestUsageTimeRange(t *testing.T) {
	m := metering.New(metering.Options{Journal: openJournal(t, t.TempDir()), Prices: metering.Prices{GBSecond: 1, PerMillionRequests: 1e6}})
	defer m.Close()
	base := time.Now().Truncate(time.Minute)
	m.Observe(invoke.Record{Function: "f", Start: base.Add(-2 * time.Minute), BilledMs: 1000, MemoryMB: 1024})
	m.Observe(invoke.Record{Function: "f", Start: base.Add(10 * time.Second), BilledMs: 2000, MemoryMB: 1024})
	m.Observe(invoke.Record{Function: "f", Start: base.Add(70 * time.Second), BilledMs: 4000, MemoryMB: 1024})
	for _, tt := range []struct {
		start, end time.Time
		billed     int64
	}{
		{time.Time{}, time.Time{}, 7000},
		{base, time.Time{}, 6000},
		{base.Add(30 * time.Second), base.Add(61 * time.Second), 6000}, // overlapping minutes count whole
		{time.Time{}, base, 1000},
		{base.Add(-time.Hour), base.Add(time.Minute), 3000},
	} {
		r := usage(t, m, tt.start, tt.end)
		if r.Totals.BilledMs != tt.billed || r.Totals.CostUSD != r.Totals.GBSeconds+float64(r.Totals.Requests) {
			t.Errorf("[%v, %v): %+v, want %d ms", tt.start, tt.end, r.Totals, tt.billed)
		}
	}
}

// flaky stores the first message of a batch and then fails, once.
type flaky struct {
	metering.Journal
	mu     sync.Mutex
	failed bool
	calls  int
}

func (f *flaky) Append(ctx context.Context, msgs []store.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if !f.failed && len(msgs) > 1 {
		f.failed = true
		if err := f.Journal.Append(ctx, msgs[:1]); err != nil {
			return err
		}
		return errors.New("store went away")
	}
	return f.Journal.Append(ctx, msgs)
}

func (f *flaky) count() int { f.mu.Lock(); defer f.mu.Unlock(); return f.calls }

// A batch that failed half-way is sent again without counting twice.
func TestRetriedBatchCountsOnce(t *testing.T) {
	j := &flaky{Journal: openJournal(t, t.TempDir())}
	m := metering.New(metering.Options{Journal: j, FlushEvery: 10 * time.Millisecond})
	defer m.Close()
	now := time.Now()
	m.Observe(invoke.Record{Function: "a", Start: now, BilledMs: 10, MemoryMB: 128})
	m.Observe(invoke.Record{Function: "b", Start: now, BilledMs: 20, MemoryMB: 128})
	m.Observe(invoke.Record{Function: "c", Start: now, BilledMs: 40, MemoryMB: 128})
	deadline := time.Now().Add(10 * time.Second)
	for j.count() < 2 { // the failed call and its retry
		if time.Now().After(deadline) {
			t.Fatal("no retry")
		}
		if r := usage(t, m, time.Time{}, time.Time{}); r.Totals.BilledMs != 70 || r.Totals.Requests != 3 {
			t.Fatalf("while retrying: %+v", r.Totals)
		}
	}
	if r := usage(t, m, time.Time{}, time.Time{}); r.Totals.BilledMs != 70 || r.Totals.Requests != 3 {
		t.Errorf("after the retry: %+v", r.Totals)
	}
}
