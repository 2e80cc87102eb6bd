package keepalive

import (
	"container/list"
	"fmt"
	"sync"
	"time"
)

// Windows tells what to do after an invocation of a function ends.
type Windows struct {
	// PreWarm: when positive, unload the environment now and create a new
	// one PreWarm after the end of the invocation. Zero: keep it loaded.
	PreWarm time.Duration
	// KeepAlive: then keep the environment idle this long, and unload it
	// after that.
	KeepAlive time.Duration
	// Basis says how the windows were chosen, for logs and metrics.
	Basis Basis
}

// Basis names the rule that chose a function's Windows.
type Basis int

const (
	// BasisDefault: not enough evidence; no pre-warm, KeepAlive is
	// Options.Default.
	BasisDefault Basis = iota
	// BasisHistogram: the 5th and 99th percentiles of the idle-time
	// histogram.
	BasisHistogram
	// BasisOutOfBounds: the latest idle times longer than Options.Range.
	BasisOutOfBounds
)

func (b Basis) String() string {
	switch b {
	case BasisDefault:
		return "default"
	case BasisHistogram:
		return "histogram"
	case BasisOutOfBounds:
		return "out-of-bounds"
	}
	return fmt.Sprintf("Basis(%d)", int(b))
}

// Policy learns the idle times of functions and chooses their Windows. It
// is safe for concurrent use.
type Policy struct {
	o Options

	mu    sync.Mutex
	byFn  map[string]*list.Element // of *history
	order *list.List               // most recently invoked first
}

// New returns a Policy tracking no function yet. Zero fields of o take
// their defaults; New panics if the result fails Options.Validate, so
// validate options that come from users first.
func New(o Options) *Policy {
	if err := o.Validate(); err != nil {
		panic(fmt.Sprintf("keepalive.New: %v", err))
	}
	return &Policy{
		o:     o.withDefaults(),
		byFn:  map[string]*list.Element{},
		order: list.New(),
	}
}

// Invoked records one invocation of function that started at start (when
// it asked for an environment) and ended at end (when the environment was
// free again). The idle time it learns from is start minus the end of the
// function's previous invocation, 0 if they overlapped. Only differences
// between the times passed in matter; the Policy reads no clock.
func (p *Policy) Invoked(function string, start, end time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.byFn[function]
	if ok {
		p.order.MoveToFront(e)
	} else {
		e = p.order.PushFront(newHistory(function, &p.o))
		p.byFn[function] = e
		if p.order.Len() > p.o.MaxFunctions {
			oldest := p.order.Back()
			p.order.Remove(oldest)
			delete(p.byFn, oldest.Value.(*history).function)
		}
	}
	e.Value.(*history).invoked(start, end, &p.o)
}

// Windows returns the windows that follow the function's latest
// invocation: the default for a function the Policy does not know.
func (p *Policy) Windows(function string) Windows {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.byFn[function]; ok {
		return e.Value.(*history).windows
	}
	return defaultWindows(&p.o)
}

// Forget drops what the Policy learnt about function, for example when it
// is deleted.
func (p *Policy) Forget(function string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.byFn[function]; ok {
		p.order.Remove(e)
		delete(p.byFn, function)
	}
}

// Len reports how many functions the Policy tracks.
func (p *Policy) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.order.Len()
}
