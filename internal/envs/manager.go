package envs

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"gust/internal/sandbox"
)

// ErrClosed is returned once the Manager is shutting down.
var ErrClosed = errors.New("environment manager is closed")

// Options wires a Manager.
type Options struct {
	Backend     sandbox.Backend
	Logs        LogSink // may be nil
	Logger      *slog.Logger
	IdleTimeout time.Duration // keep-alive of a warm environment
}

// Manager owns every environment on this node.
type Manager struct {
	backend sandbox.Backend
	sink    LogSink
	log     *slog.Logger
	idleFor time.Duration

	mu     sync.Mutex
	idle   map[string][]*Environment // by Config.Key, most recently used last
	busy   map[string]int            // by function
	closed bool

	wg   sync.WaitGroup
	stop chan struct{}
}

// NewManager starts a Manager and its reaper; Close stops both.
func NewManager(o Options) *Manager {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Manager{
		backend: o.Backend,
		sink:    o.Logs,
		log:     o.Logger,
		idleFor: o.IdleTimeout,
		idle:    map[string][]*Environment{},
		busy:    map[string]int{},
		stop:    make(chan struct{}),
	}
	m.wg.Add(1)
	go m.reap()
	return m
}

// Invoke runs inv in a warm environment for cfg, or in a new one when none
// is idle. Every concurrent call gets its own environment.
func (m *Manager) Invoke(ctx context.Context, cfg Config, inv Invocation) (Result, error) {
	e, err := m.acquire(ctx, cfg, inv.RequestID)
	var fe *FunctionError
	if errors.As(err, &fe) {
		// Init failed in a way Lambda reports as the function's error.
		return Result{Err: fe, Log: fe.Log}, nil
	}
	if err != nil {
		return Result{}, err
	}
	res, err := e.invoke(ctx, inv)
	m.release(e, err == nil && res.Reusable)
	return res, err
}

func (m *Manager) acquire(ctx context.Context, cfg Config, requestID string) (*Environment, error) {
	key := cfg.Key()
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, ErrClosed
	}
	for list := m.idle[key]; len(list) > 0; list = m.idle[key] {
		e := list[len(list)-1]
		m.idle[key] = list[:len(list)-1]
		if e.exited() {
			// Its runtime died while idle; Lambda would start afresh.
			m.mu.Unlock()
			e.destroy()
			m.mu.Lock()
			continue
		}
		m.busy[cfg.Function]++
		m.mu.Unlock()
		return e, nil
	}
	m.busy[cfg.Function]++
	m.mu.Unlock()
	e, err := start(ctx, m.backend, cfg, m.sink, m.log, requestID)
	if err != nil {
		m.mu.Lock()
		m.markIdle(cfg.Function)
		m.mu.Unlock()
		return nil, err
	}
	return e, nil
}

func (m *Manager) release(e *Environment, reusable bool) {
	m.mu.Lock()
	m.markIdle(e.cfg.Function)
	if reusable && !m.closed && e.State() == Ready {
		e.lastUsed = time.Now()
		m.idle[e.cfg.Key()] = append(m.idle[e.cfg.Key()], e)
		m.mu.Unlock()
		return
	}
	m.mu.Unlock()
	e.destroy()
}

// Forget destroys the idle environments of a function, for example after
// it was updated or deleted. Busy ones finish their invocation first and
// are then not reused, because their Key no longer matches new requests.
func (m *Manager) Forget(function string) {
	m.mu.Lock()
	var doomed []*Environment
	for key, list := range m.idle {
		if len(list) > 0 && list[0].cfg.Function == function {
			doomed = append(doomed, list...)
			delete(m.idle, key)
		}
	}
	m.mu.Unlock()
	for _, e := range doomed {
		e.destroy()
	}
}

// markIdle counts one environment of function as no longer busy; m.mu is
// held.
func (m *Manager) markIdle(function string) {
	if m.busy[function]--; m.busy[function] <= 0 {
		delete(m.busy, function)
	}
}

// Counts reports idle and busy environments.
func (m *Manager) Counts() (idle, busy int) {
	for _, p := range m.Pools() {
		idle += p.Idle
		busy += p.Busy
	}
	return idle, busy
}

// Pool counts one function's environments on this node. Busy ones are
// starting or running an invocation: the function's concurrency.
type Pool struct {
	Function   string
	Idle, Busy int
}

// Pools reports every function's idle and busy environments, sorted by
// function.
func (m *Manager) Pools() []Pool {
	m.mu.Lock()
	byFunction := map[string]*Pool{}
	pool := func(fn string) *Pool {
		if byFunction[fn] == nil {
			byFunction[fn] = &Pool{Function: fn}
		}
		return byFunction[fn]
	}
	for _, list := range m.idle {
		for _, e := range list {
			pool(e.cfg.Function).Idle++
		}
	}
	for fn, n := range m.busy {
		pool(fn).Busy += n
	}
	m.mu.Unlock()
	pools := make([]Pool, 0, len(byFunction))
	for _, p := range byFunction {
		pools = append(pools, *p)
	}
	slices.SortFunc(pools, func(a, b Pool) int { return strings.Compare(a.Function, b.Function) })
	return pools
}

// reap shuts down environments idle longer than the keep-alive.
func (m *Manager) reap() {
	defer m.wg.Done()
	every := max(m.idleFor/10, 50*time.Millisecond)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
		}
		cutoff := time.Now().Add(-m.idleFor)
		var doomed []*Environment
		m.mu.Lock()
		for key, list := range m.idle {
			kept := list[:0]
			for _, e := range list {
				if e.lastUsed.Before(cutoff) {
					doomed = append(doomed, e)
				} else {
					kept = append(kept, e)
				}
			}
			if len(kept) == 0 {
				delete(m.idle, key)
			} else {
				m.idle[key] = kept
			}
		}
		m.mu.Unlock()
		for _, e := range doomed {
			e.log.Debug("reaping idle environment")
			e.destroy()
		}
	}
}

// Close destroys every idle environment and refuses new work. Busy
// environments are destroyed as their invocations return.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	var all []*Environment
	for _, list := range m.idle {
		all = append(all, list...)
	}
	m.idle = map[string][]*Environment{}
	m.mu.Unlock()
	close(m.stop)
	m.wg.Wait()
	var wg sync.WaitGroup
	for _, e := range all {
		wg.Add(1)
		go func() { defer wg.Done(); e.destroy() }()
	}
	wg.Wait()
	return nil
}
