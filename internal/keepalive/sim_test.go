package keepalive

import (
	"cmp"
	"container/heap"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// keeper is what the simulator asks after every invocation: the Policy, or
// the fixed keep-alive it is measured against.
type keeper interface {
	Invoked(function string, start, end time.Time)
	Windows(function string) Windows
}

// fixedKeepAlive is today's rule: keep every environment idle this long.
type fixedKeepAlive time.Duration

func (fixedKeepAlive) Invoked(string, time.Time, time.Time) {}
func (f fixedKeepAlive) Windows(string) Windows             { return Windows{KeepAlive: time.Duration(f)} }

// simFunction is one function of a synthetic trace.
type simFunction struct {
	name     string
	class    string // how its invocations were generated
	memoryMB int
}

// call is one invocation, in virtual time since the trace began.
type call struct {
	fn         int // index into trace.fns
	start, dur time.Duration
}

type trace struct {
	fns     []simFunction
	calls   []call
	horizon time.Duration
}

// tally counts cold starts and idle memory of one class of functions.
type tally struct {
	calls, cold int
	idleMBMin   float64 // ∫ loaded-but-idle environments × their MB dt
}

func (t *tally) add(o tally) {
	t.calls += o.calls
	t.cold += o.cold
	t.idleMBMin += o.idleMBMin
}

// simulate replays tr in virtual time, one environment per function. After
// an invocation ends, the environment is loaded idle during
// [end+PreWarm, end+PreWarm+KeepAlive]; pre-warming is instantaneous. The
// next invocation is warm if it starts inside that interval, and the idle
// memory is the part of the interval before it starts. tr.calls must be
// sorted by start.
func simulate(tr trace, k keeper) map[string]*tally {
	type loaded struct {
		from, until time.Duration
		ok          bool
	}
	env := make([]loaded, len(tr.fns))
	byFn := make([]tally, len(tr.fns))
	idle := func(fn int, now time.Duration) {
		if e := env[fn]; e.ok {
			byFn[fn].idleMBMin += float64(tr.fns[fn].memoryMB) * max(min(e.until, now)-e.from, 0).Minutes()
		}
	}
	origin := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	var ends endQueue // invocations under way, the first to end first
	ended := func(upTo time.Duration) {
		for len(ends) > 0 && ends[0].end <= upTo {
			c := tr.calls[heap.Pop(&ends).(running).call]
			name, end := tr.fns[c.fn].name, c.start+c.dur
			k.Invoked(name, origin.Add(c.start), origin.Add(end))
			w := k.Windows(name)
			env[c.fn] = loaded{from: end + w.PreWarm, until: end + w.PreWarm + w.KeepAlive, ok: true}
		}
	}
	for i, c := range tr.calls {
		// A function's next start never precedes its previous end.
		ended(c.start)
		e := env[c.fn]
		byFn[c.fn].calls++
		if !e.ok || c.start < e.from || c.start > e.until {
			byFn[c.fn].cold++
		}
		idle(c.fn, c.start)
		env[c.fn] = loaded{}
		heap.Push(&ends, running{end: c.start + c.dur, call: i})
	}
	ended(tr.horizon)
	byClass := map[string]*tally{}
	for fn, f := range tr.fns {
		idle(fn, tr.horizon)
		if byClass[f.class] == nil {
			byClass[f.class] = &tally{}
		}
		byClass[f.class].add(byFn[fn])
	}
	return byClass
}

// running is an invocation under way in simulate.
type running struct {
	end  time.Duration
	call int
}

// endQueue is a container/heap of running invocations by end.
type endQueue []running

func (q endQueue) Len() int { return len(q) }
func (q endQueue) Less(i, j int) bool {
	return q[i].end < q[j].end || q[i].end == q[j].end && q[i].call < q[j].call
}
func (q endQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *endQueue) Push(x any)   { *q = append(*q, x.(running)) }
func (q *endQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// syntheticTrace resembles the mix in Shahrad et al.: a few functions
// called every few seconds to minutes, many timers, rare and bursty ones,
// and some that follow office hours.
func syntheticTrace(seed uint64, days int) trace {
	rng := rand.New(rand.NewPCG(seed, seed))
	tr := trace{horizon: time.Duration(days) * 24 * time.Hour}
	sizes := []int{128, 256, 512, 1024, 1536, 2048}
	uniform := func(lo, hi time.Duration) time.Duration {
		return lo + time.Duration(rng.Float64()*float64(hi-lo))
	}
	exp := func(mean time.Duration) time.Duration { return time.Duration(rng.ExpFloat64() * float64(mean)) }

	// add generates one function's calls: next returns the wanted start of
	// the call after one that ended at end; calls never overlap.
	add := func(class string, first time.Duration, next func(start, end time.Duration) time.Duration) {
		fn := len(tr.fns)
		tr.fns = append(tr.fns, simFunction{
			name:     fmt.Sprintf("%s-%02d", class, fn),
			class:    class,
			memoryMB: sizes[rng.IntN(len(sizes))],
		})
		median := uniform(100*time.Millisecond, 5*time.Second)
		for start := first; start < tr.horizon; {
			dur := min(time.Duration(float64(median)*math.Exp(0.5*rng.NormFloat64())), time.Minute)
			tr.calls = append(tr.calls, call{fn, start, dur})
			start = max(next(start, start+dur), start+dur+100*time.Millisecond)
		}
	}

	for range 6 { // an API called all the time: Poisson, every 30 s to 2 min
		mean := uniform(30*time.Second, 2*time.Minute)
		add("frequent", exp(mean), func(_, end time.Duration) time.Duration { return end + exp(mean) })
	}
	for _, period := range []time.Duration{5, 15, 30, 60} { // cron jobs
		for range 5 {
			period := period * time.Minute
			phase := uniform(0, period)
			n := 0
			add("timer", phase, func(_, _ time.Duration) time.Duration {
				n++
				return phase + time.Duration(n)*period + uniform(-5*time.Second, 5*time.Second)
			})
		}
	}
	for range 8 { // rare and irregular: every 2 to 6 hours
		add("rare", uniform(0, 6*time.Hour), func(start, _ time.Duration) time.Duration {
			return start + uniform(2*time.Hour, 6*time.Hour)
		})
	}
	for range 2 { // daily batch jobs, started within a couple of minutes
		phase := uniform(0, 24*time.Hour)
		n := 0
		add("daily", phase, func(_, _ time.Duration) time.Duration {
			n++
			return phase + time.Duration(n)*24*time.Hour + uniform(-2*time.Minute, 2*time.Minute)
		})
	}
	for range 8 { // bursts of 3–30 calls seconds apart, bursts far apart
		gap := uniform(20*time.Minute, 3*time.Hour)
		left := 0
		add("bursty", exp(gap), func(_, end time.Duration) time.Duration {
			if left > 0 {
				left--
				return end + uniform(time.Second, 20*time.Second)
			}
			left = 2 + rng.IntN(28)
			return end + exp(gap)
		})
	}
	for range 6 { // used in office hours, rarely at night
		busy := uniform(3*time.Minute, 20*time.Minute)
		add("office", exp(busy), func(_, end time.Duration) time.Duration {
			if h := (end % (24 * time.Hour)).Hours(); h >= 8 && h < 18 {
				return end + exp(busy)
			}
			return end + exp(2*time.Hour)
		})
	}
	slices.SortFunc(tr.calls, func(a, b call) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.fn, b.fn))
	})
	return tr
}

// fixedWindows answers the same windows whatever happens.
type fixedWindows Windows

func (fixedWindows) Invoked(string, time.Time, time.Time) {}
func (f fixedWindows) Windows(string) Windows             { return Windows(f) }

func TestSimulateCountsColdStartsAndIdleMemory(t *testing.T) {
	tr := trace{
		fns: []simFunction{{name: "f", class: "c", memoryMB: 1000}},
		calls: []call{
			{0, 0, time.Minute},
			{0, 5 * time.Minute, time.Minute},
			{0, 30 * time.Minute, time.Minute},
		},
		horizon: time.Hour,
	}
	tests := []struct {
		name string
		k    keeper
		want tally
	}{{
		// Cold; idle 1m–5m, warm; idle 6m–16m; cold; idle 31m–41m.
		name: "kept alive 10m",
		k:    fixedKeepAlive(10 * time.Minute),
		want: tally{calls: 3, cold: 2, idleMBMin: 24000},
	}, {
		// Cold; loaded at 21m, too late: cold; loaded 26m–30m, warm;
		// loaded 51m–56m, unused.
		name: "pre-warmed at 20m for 5m",
		k:    fixedWindows{PreWarm: 20 * time.Minute, KeepAlive: 5 * time.Minute},
		want: tally{calls: 3, cold: 2, idleMBMin: 9000},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := *simulate(tr, tt.k)["c"]; got != tt.want {
				t.Errorf("simulate = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestSimulationBeatsFixedKeepAlive replays a week of a synthetic trace
// under the Policy and under a fixed 10-minute keep-alive. Other seeds show
// the result is not one lucky draw.
//
// Without the check against the default in decide (the paper's windows
// alone), cold starts fell by 80–84% over seeds 1–12 but idle memory went
// from −15% to +18%: bursty and office-hours functions have long-tailed
// idle times whose 99th percentile is hours.
func TestSimulationBeatsFixedKeepAlive(t *testing.T) {
	for i, seed := range []uint64{2020, 1, 2, 3, 4} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			tr := syntheticTrace(seed, 7)
			fixed := simulate(tr, fixedKeepAlive(DefaultKeepAlive))
			hybrid := simulate(tr, New(Options{Default: DefaultKeepAlive}))

			var classes []string
			for c := range fixed {
				classes = append(classes, c)
			}
			slices.Sort(classes)
			var f, h tally
			var b strings.Builder
			for _, c := range classes {
				f.add(*fixed[c])
				h.add(*hybrid[c])
				fmt.Fprintf(&b, "%-9s %6d calls: %s\n", c, fixed[c].calls, compare(*fixed[c], *hybrid[c]))
			}
			fmt.Fprintf(&b, "%-9s %6d calls: %s", "all", f.calls, compare(f, h))
			if i == 0 {
				t.Logf("%d functions over %v, fixed %v keep-alive → hybrid histogram\n%s",
					len(tr.fns), tr.horizon, DefaultKeepAlive, b.String())
			} else {
				t.Logf("fixed → hybrid: %s", compare(f, h))
			}

			if h.cold >= f.cold {
				t.Errorf("hybrid: %d cold starts, fixed: %d; want fewer", h.cold, f.cold)
			}
			if h.idleMBMin > f.idleMBMin {
				t.Errorf("hybrid: %.3g MB·min idle, fixed: %.3g; want no more", h.idleMBMin, f.idleMBMin)
			}
		})
	}
}

func compare(f, h tally) string {
	change := func(a, b float64) string {
		if a == 0 {
			return "   n/a"
		}
		return fmt.Sprintf("%+5.0f%%", 100*(b-a)/a)
	}
	return fmt.Sprintf("cold starts %6d → %6d (%s), idle memory %9.3g → %9.3g MB·min (%s)",
		f.cold, h.cold, change(float64(f.cold), float64(h.cold)),
		f.idleMBMin, h.idleMBMin, change(f.idleMBMin, h.idleMBMin))
}
