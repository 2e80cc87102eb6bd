package keepalive

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// t0 is an arbitrary origin: the Policy only looks at differences.
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// replay invokes function once per idle time in idles, each invocation
// lasting dur, and returns the windows after the last one.
func replay(p *Policy, function string, dur time.Duration, idles ...time.Duration) Windows {
	start := t0
	p.Invoked(function, start, start.Add(dur))
	for _, it := range idles {
		start = start.Add(dur + it)
		p.Invoked(function, start, start.Add(dur))
	}
	return p.Windows(function)
}

func repeat(n int, d time.Duration) []time.Duration {
	s := make([]time.Duration, n)
	for i := range s {
		s[i] = d
	}
	return s
}

func TestPeriodicFunctionIsPreWarmed(t *testing.T) {
	// A 15-minute timer lasting 2 s idles 14m58s: all in bin 14.
	w := replay(New(Options{}), "cron", 2*time.Second, repeat(20, 15*time.Minute-2*time.Second)...)
	want := Windows{
		PreWarm:   12*time.Minute + 36*time.Second, // 14 min − 10%
		KeepAlive: 3*time.Minute + 54*time.Second,  // until 15 min + 10% = 16m30s
		Basis:     BasisHistogram,
	}
	if w != want {
		t.Errorf("windows = %+v, want %+v", w, want)
	}
}

func TestJitteredTimerIsCovered(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	var idles []time.Duration
	for range 200 {
		jitter := time.Duration(rng.IntN(21)-10) * time.Second
		idles = append(idles, 15*time.Minute+jitter)
	}
	w := replay(New(Options{}), "cron", time.Second, idles...)
	lo, hi := 15*time.Minute-10*time.Second, 15*time.Minute+10*time.Second
	if w.Basis != BasisHistogram || w.PreWarm < 12*time.Minute || w.PreWarm > lo ||
		w.PreWarm+w.KeepAlive < hi || w.KeepAlive > 6*time.Minute {
		t.Errorf("windows = %+v, want a pre-warm before %v and an end after %v, kept alive at most 6m", w, lo, hi)
	}
}

func TestFrequentFunctionKeepAlive(t *testing.T) {
	short := func(n int) []time.Duration {
		var idles []time.Duration
		for i := range n {
			idles = append(idles, time.Duration(i%5)*time.Minute+time.Second)
		}
		return idles
	}
	tests := []struct {
		name  string
		idles []time.Duration
		want  Windows
	}{{
		// The 99th percentile is in bin 4: keep alive until 5m30s. The
		// default would have kept the environment for the long gap longer.
		name:  "a long gap now and then",
		idles: append(short(99), time.Hour),
		want:  Windows{KeepAlive: 5*time.Minute + 30*time.Second, Basis: BasisHistogram},
	}, {
		// 5m30s would have done as well as 10m on every idle time seen, so
		// nothing says the shorter one is safe.
		name:  "no evidence against the default",
		idles: short(100),
		want:  Windows{KeepAlive: DefaultKeepAlive, Basis: BasisDefault},
	}, {
		// Bursts seconds apart, hours between them: the 99th percentile
		// keeps the environment idle for hours to save a cold start per
		// burst, more idle time than the default spends.
		name: "long tail",
		idles: func() []time.Duration {
			idles := repeat(90, 5*time.Second)
			for i := range 10 {
				idles = append(idles, time.Duration(20+20*i)*time.Minute)
			}
			return idles
		}(),
		want: Windows{KeepAlive: DefaultKeepAlive, Basis: BasisDefault},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if w := replay(New(Options{}), "api", 100*time.Millisecond, tt.idles...); w != tt.want {
				t.Errorf("windows = %+v, want %+v", w, tt.want)
			}
		})
	}
}

func TestFewSamplesFallBackToDefault(t *testing.T) {
	p := New(Options{Default: 7 * time.Minute})
	def := Windows{KeepAlive: 7 * time.Minute, Basis: BasisDefault}
	if w := p.Windows("unknown"); w != def {
		t.Errorf("unknown function: windows = %+v, want %+v", w, def)
	}
	if w := replay(p, "cron", time.Second, repeat(DefaultMinSamples-1, time.Hour)...); w != def {
		t.Errorf("after %d idle times: windows = %+v, want %+v", DefaultMinSamples-1, w, def)
	}
	p.Forget("cron")
	if w := replay(p, "cron", time.Second, repeat(DefaultMinSamples, time.Hour)...); w.Basis != BasisHistogram {
		t.Errorf("after %d idle times: basis = %v, want histogram", DefaultMinSamples, w.Basis)
	}
}

func TestFlatHistogramFallsBackToDefault(t *testing.T) {
	// Two idle times in each of 120 bins spread over 4 hours: CV 1.
	var idles []time.Duration
	for i := range 240 {
		idles = append(idles, time.Duration(i/2*2)*time.Minute+30*time.Second)
	}
	rand.New(rand.NewPCG(2, 2)).Shuffle(len(idles), func(i, j int) { idles[i], idles[j] = idles[j], idles[i] })
	p := New(Options{})
	if w := replay(p, "erratic", time.Second, idles...); w.Basis != BasisDefault || w.KeepAlive != DefaultKeepAlive {
		t.Errorf("windows = %+v, want the default", w)
	}
}

func TestOutOfBoundIdleTimes(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		name  string
		idles []time.Duration
		want  Windows
	}{{
		name:  "two daily idle times are not enough",
		idles: []time.Duration{day, day},
		want:  Windows{KeepAlive: DefaultKeepAlive, Basis: BasisDefault},
	}, {
		// Spanning 23h58m–24h02m, widened by 10% of the spread plus a bin.
		name:  "daily with jitter",
		idles: []time.Duration{day + 2*time.Minute, day - 2*time.Minute, day, day + time.Minute},
		want: Windows{
			PreWarm:   day - 2*time.Minute - 84*time.Second,
			KeepAlive: 4*time.Minute + 2*84*time.Second,
			Basis:     BasisOutOfBounds,
		},
	}, {
		name:  "an outlier does not move the window",
		idles: []time.Duration{6 * time.Hour, 6 * time.Hour, 20 * time.Hour, 6 * time.Hour},
		want:  Windows{PreWarm: 6*time.Hour - time.Minute, KeepAlive: 2 * time.Minute, Basis: BasisOutOfBounds},
	}, {
		name:  "disagreeing idle times get the default",
		idles: []time.Duration{5 * time.Hour, 9 * time.Hour, 13 * time.Hour, 20 * time.Hour, 30 * time.Hour},
		want:  Windows{KeepAlive: DefaultKeepAlive, Basis: BasisDefault},
	}, {
		name:  "mostly in range is judged by the histogram",
		idles: append(repeat(20, time.Minute/2), 6*time.Hour, 6*time.Hour, 6*time.Hour),
		want:  Windows{KeepAlive: 66 * time.Second, Basis: BasisHistogram},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if w := replay(New(Options{}), "f", time.Second, tt.idles...); w != tt.want {
				t.Errorf("windows = %+v, want %+v", w, tt.want)
			}
		})
	}
}

func TestRangeNotAMultipleOfBin(t *testing.T) {
	// Three 3-minute bins cover [0, 9m); 9m30s is out of bounds.
	p := New(Options{Range: 10 * time.Minute, Bin: 3 * time.Minute})
	w := replay(p, "f", time.Second, repeat(5, 9*time.Minute+30*time.Second)...)
	if w.Basis != BasisOutOfBounds {
		t.Errorf("basis = %v, want out-of-bounds", w.Basis)
	}
}

func TestOverlappingInvocationsIdleZero(t *testing.T) {
	p := New(Options{})
	start := t0
	for i := range 300 {
		if i%100 == 0 { // two gaps among 299 idle times: beyond the 99th percentile
			start = start.Add(30 * time.Minute)
		}
		// Each starts before the previous one ends.
		p.Invoked("busy", start, start.Add(5*time.Second))
		start = start.Add(time.Second)
	}
	want := Windows{KeepAlive: 66 * time.Second, Basis: BasisHistogram}
	if w := p.Windows("busy"); w != want {
		t.Errorf("windows = %+v, want %+v", w, want)
	}

	// An invocation that ends before the latest end does not move it back.
	h := p.byFn["busy"].Value.(*history)
	latest := h.lastEnd
	p.Invoked("busy", latest.Add(-time.Minute), latest.Add(-time.Second))
	if !h.lastEnd.Equal(latest) {
		t.Errorf("last end moved from %v to %v", latest, h.lastEnd)
	}
}

func TestHistogramAgesToFollowAChangedRhythm(t *testing.T) {
	p := New(Options{MaxSamples: 40})
	start := t0
	every := func(n int, period time.Duration) Windows {
		for range n {
			p.Invoked("cron", start, start.Add(time.Second))
			start = start.Add(period)
		}
		return p.Windows("cron")
	}
	if w := every(100, 15*time.Minute); w.PreWarm > 15*time.Minute {
		t.Fatalf("15-minute timer: windows = %+v", w)
	}
	if w := every(100, time.Hour); w.PreWarm < 50*time.Minute || w.PreWarm+w.KeepAlive < time.Hour {
		t.Errorf("now hourly: windows = %+v, want a pre-warm near an hour", w)
	}
}

func TestLeastRecentlyInvokedIsForgotten(t *testing.T) {
	p := New(Options{MaxFunctions: 3})
	for _, f := range []string{"a", "b", "c"} {
		replay(p, f, time.Second, repeat(20, 15*time.Minute)...)
	}
	p.Invoked("a", t0.Add(24*time.Hour), t0.Add(24*time.Hour)) // a is now the most recent
	replay(p, "d", time.Second, repeat(20, 15*time.Minute)...)
	if p.Len() != 3 {
		t.Errorf("Len = %d, want 3", p.Len())
	}
	for f, want := range map[string]Basis{"a": BasisHistogram, "b": BasisDefault, "c": BasisHistogram, "d": BasisHistogram} {
		if w := p.Windows(f); w.Basis != want {
			t.Errorf("%s: basis = %v, want %v", f, w.Basis, want)
		}
	}
	p.Forget("a")
	p.Forget("never seen")
	if p.Len() != 2 || p.Windows("a").Basis != BasisDefault {
		t.Errorf("after Forget: Len = %d, a = %+v", p.Len(), p.Windows("a"))
	}
}

func TestConcurrentUse(t *testing.T) {
	p := New(Options{MaxFunctions: 5})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			start := t0
			for i := range 500 {
				f := fmt.Sprint("f", (g+i)%7)
				start = start.Add(time.Minute)
				p.Invoked(f, start, start.Add(time.Second))
				_ = p.Windows(f)
				if i%50 == 0 {
					p.Forget(f)
				}
				_ = p.Len()
			}
		})
	}
	wg.Wait()
	if p.Len() > 5 {
		t.Errorf("Len = %d, want at most 5", p.Len())
	}
}

func TestValidate(t *testing.T) {
	if err := (Options{}).Validate(); err != nil {
		t.Fatalf("zero Options: %v", err)
	}
	bad := map[string]Options{
		"negative default": {Default: -time.Second},
		"bin above range":  {Range: time.Minute, Bin: time.Hour},
		"too many bins":    {Range: 1000 * time.Hour, Bin: time.Second},
		"margin of 1":      {Margin: 1},
		"negative margin":  {OOBMargin: -0.1},
		"threshold above1": {OOBThreshold: 1.5},
		"negative CV":      {CVThreshold: -1},
		"halving too soon": {MinSamples: 50, MaxSamples: 60},
		"negative max fns": {MaxFunctions: -1},
	}
	for name, o := range bad {
		if o.Validate() == nil {
			t.Errorf("%s: Validate accepted %+v", name, o)
		}
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "keepalive.New") {
			t.Errorf("New with invalid options: recovered %v, want a panic", r)
		}
	}()
	New(Options{Margin: 2})
}

func TestBasisString(t *testing.T) {
	for b, want := range map[Basis]string{BasisDefault: "default", BasisHistogram: "histogram", BasisOutOfBounds: "out-of-bounds", 7: "Basis(7)"} {
		if b.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(b), b.String(), want)
		}
	}
}

// BenchmarkInvoked measures the work added to every invocation: Invoked
// and Windows, on a function whose histogram is in use.
func BenchmarkInvoked(b *testing.B) {
	p := New(Options{})
	start := t0
	for b.Loop() {
		start = start.Add(15 * time.Minute)
		p.Invoked("cron", start, start.Add(time.Second))
		_ = p.Windows("cron")
	}
}
