package keepalive

import (
	"math"
	"slices"
	"time"
)

// The paper's percentiles: pre-warm at the head of the idle-time
// distribution, keep alive until its tail.
const (
	headPercentile = 0.05
	tailPercentile = 0.99
)

// Out-of-bound idle times kept per function, and how many the median
// needs. They come at least Range apart, so waiting for MinSamples of them
// would take days; three is the fewest whose median survives one outlier.
const (
	oobKeep = 8
	oobMin  = 3
)

// history is what the Policy remembers of one function.
type history struct {
	function string
	lastEnd  time.Time // end of the latest invocation
	seen     bool      // lastEnd is set

	bins    []uint32 // bins[i] counts idle times in [i·Bin, (i+1)·Bin)
	inRange uint64   // sum of bins
	sumSq   uint64   // sum of bins[i]², so the CV costs no pass over bins
	oob     uint64   // idle times of Range or longer, aged with the bins

	recent  [oobKeep]time.Duration // latest out-of-bound idle times, a ring
	nRecent int
	next    int

	windows Windows // decided after the latest invocation
}

func newHistory(function string, o *Options) *history {
	return &history{
		function: function,
		bins:     make([]uint32, o.Range/o.Bin),
		windows:  defaultWindows(o),
	}
}

func defaultWindows(o *Options) Windows {
	return Windows{KeepAlive: o.Default, Basis: BasisDefault}
}

// invoked records an invocation and decides the windows that follow it.
func (h *history) invoked(start, end time.Time, o *Options) {
	end = maxTime(start, end)
	if h.seen {
		// Overlapping invocations (several environments) idle for 0.
		h.record(max(start.Sub(h.lastEnd), 0), o)
		end = maxTime(h.lastEnd, end)
	}
	h.lastEnd, h.seen = end, true
	h.windows = h.decide(o)
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func (h *history) record(idle time.Duration, o *Options) {
	// A Range that is not a multiple of Bin ends with the last whole bin.
	if b := int(idle / o.Bin); b < len(h.bins) {
		c := uint64(h.bins[b])
		h.bins[b]++
		h.inRange++
		h.sumSq += 2*c + 1 // (c+1)² - c²
	} else {
		h.oob++
		h.recent[h.next] = idle
		h.next = (h.next + 1) % oobKeep
		h.nRecent = min(h.nRecent+1, oobKeep)
	}
	if h.inRange+h.oob >= uint64(o.MaxSamples) {
		h.halve()
	}
}

// halve ages the histogram. Rounding down drops bins seen only once, which
// is what forgetting is for.
func (h *history) halve() {
	h.inRange, h.sumSq = 0, 0
	for i, c := range h.bins {
		c /= 2
		h.bins[i] = c
		h.inRange += uint64(c)
		h.sumSq += uint64(c) * uint64(c)
	}
	h.oob /= 2
}

func (h *history) decide(o *Options) Windows {
	def := defaultWindows(o)
	var w Windows
	if total := h.inRange + h.oob; total > 0 && float64(h.oob) >= o.OOBThreshold*float64(total) {
		var ok bool
		if w, ok = h.outOfBounds(o); !ok {
			return def
		}
	} else if h.inRange < uint64(o.MinSamples) || h.cv() < o.CVThreshold {
		return def
	} else {
		w = h.histogram(o)
	}
	// Replayed on the function's own history, w must do no worse than the
	// default on idle time and on warm starts, and better on one of them.
	// A tie means the history has not seen the tail w would cut.
	defWarm, defIdle := h.expect(def, o)
	warm, idle := h.expect(w, o)
	if idle <= defIdle && warm >= defWarm && (idle < defIdle || warm > defWarm) {
		return w
	}
	return def
}

// histogram returns the paper's windows: pre-warm at the lower edge of the
// bin of the 5th percentile less Margin, keep alive until the upper edge of
// the bin of the 99th percentile plus Margin.
func (h *history) histogram(o *Options) Windows {
	head := h.percentile(headPercentile)
	tail := h.percentile(tailPercentile)
	pre := scale(time.Duration(head)*o.Bin, 1-o.Margin)
	end := scale(time.Duration(tail+1)*o.Bin, 1+o.Margin)
	return Windows{PreWarm: pre, KeepAlive: end - pre, Basis: BasisHistogram}
}

// expect replays the recorded idle times under w: how many would have
// found an environment, and how much idle time w would have spent on them.
// An in-range idle time is taken at the middle of its bin; the latest
// out-of-bound ones stand for all of them.
// Both are float64: weights of halved counts, and sums of durations that
// could overflow a Duration.
func (h *history) expect(w Windows, o *Options) (warm, idleNs float64) {
	end := w.PreWarm + w.KeepAlive
	one := func(it time.Duration, n float64) {
		switch {
		case it < w.PreWarm: // unloaded: a cold start that cost nothing
		case it <= end:
			warm += n
			idleNs += n * float64(it-w.PreWarm)
		default:
			idleNs += n * float64(w.KeepAlive)
		}
	}
	var seen uint64
	for i, c := range h.bins {
		lo := time.Duration(i) * o.Bin
		if lo > end {
			break // the rest, counted below, all outlive the window
		}
		if c > 0 {
			seen += uint64(c)
			one(lo+o.Bin/2, float64(c))
		}
	}
	idleNs += float64(h.inRange-seen) * float64(w.KeepAlive)
	if h.oob > 0 && h.nRecent > 0 {
		n := float64(h.oob) / float64(h.nRecent)
		for _, it := range h.recent[:h.nRecent] {
			one(it, n)
		}
	}
	return warm, idleNs
}

// cv is the coefficient of variation of the bin counts, empty bins
// included: high when idle times crowd into a few bins, low when they are
// spread evenly.
func (h *history) cv() float64 {
	if h.inRange == 0 {
		return 0
	}
	n := float64(len(h.bins))
	mean := float64(h.inRange) / n
	variance := max(float64(h.sumSq)/n-mean*mean, 0)
	return math.Sqrt(variance) / mean
}

// percentile returns the index of the bin holding the q-quantile of the
// in-range idle times: the first whose cumulative count reaches q of them.
func (h *history) percentile(q float64) int {
	// The epsilon keeps 0.99×100 from rounding up to 100.
	need := uint64(math.Ceil(q*float64(h.inRange) - 1e-9))
	var cum uint64
	for i, c := range h.bins {
		cum += uint64(c)
		if cum >= need && cum > 0 {
			return i
		}
	}
	return len(h.bins) - 1
}

// outOfBounds predicts the next long idle time from the latest ones: their
// median, if most of them agree with it. See the package documentation.
func (h *history) outOfBounds(o *Options) (Windows, bool) {
	if h.nRecent < oobMin {
		return Windows{}, false
	}
	all := h.recent // a copy: the ring keeps its order
	s := all[:h.nRecent]
	slices.Sort(s)
	n := len(s)
	median := (s[(n-1)/2] + s[n/2]) / 2
	tolerance := scale(median, o.OOBMargin)
	// Sorted, the ones that agree with the median are s[first:last+1].
	first, last := 0, n-1
	for s[first] < median-tolerance {
		first++
	}
	for s[last] > median+tolerance {
		last--
	}
	if 2*(last-first+1) <= n {
		return Windows{}, false
	}
	lo, hi := s[first], s[last]
	slack := scale(hi-lo, o.Margin) + o.Bin
	pre := max(lo-slack, 0)
	return Windows{PreWarm: pre, KeepAlive: hi + slack - pre, Basis: BasisOutOfBounds}, true
}

// scale returns d×f, rounded so that 14m×0.9 is exactly 12m36s.
func scale(d time.Duration, f float64) time.Duration {
	return time.Duration(math.Round(float64(d) * f))
}
