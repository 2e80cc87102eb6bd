package envs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"gust/internal/keepalive"
	"gust/internal/runtimes"
	"gust/internal/sandbox"
)

// KeepAlivePolicy decides, per function, how long an idle environment is
// kept and whether it is unloaded and pre-warmed before the next expected
// invocation instead (package keepalive).
type KeepAlivePolicy interface {
	Invoked(function string, start, end time.Time)
	Windows(function string) keepalive.Windows
}

// ErrClosed is returned once the Manager is shutting down.
var ErrClosed = errors.New("environment manager is closed")

// ErrNoCapacity is returned when a new environment would take this node
// past its memory budget and no idle environment can be given up for it.
var ErrNoCapacity = errors.New("no memory left on this node for another environment")

// Launcher says how to start each runtime (a *runtimes.Catalogue).
type Launcher interface {
	Launch(runtime string) (runtimes.Launch, error)
}

// Options wires a Manager.
type Options struct {
	Backend sandbox.Backend
	// Attachments are attached to every environment's sandbox, pooled ones
	// included, before anything runs in it (Gust's API inside, egress).
	Attachments []sandbox.Attachment
	Runtimes    Launcher // nil starts the provided runtimes only
	Logs        LogSink  // may be nil
	Logger      *slog.Logger
	IdleTimeout time.Duration // keep-alive of a warm environment
	// KeepAlive adapts keep-alive per function; nil keeps every idle
	// environment for IdleTimeout.
	KeepAlive KeepAlivePolicy
	// MemoryBudgetMB caps the sum of MemorySize over all environments on
	// this node (0 = unlimited): a function's memory limit is what it may
	// use, so the node never admits more than it could hold.
	MemoryBudgetMB int
	// Pool configures pools of pre-started runtimes (pooled
	// environments count in MemoryBudgetMB); a zero Pool has none, nor
	// does a Backend that is no sandbox.Pooler.
	Pool PoolOptions
}

// Manager owns every environment on this node.
type Manager struct {
	sandboxes sandboxes
	runtimes  Launcher
	sink      LogSink
	log       *slog.Logger
	idleFor   time.Duration
	budget    int
	policy    KeepAlivePolicy

	mu          sync.Mutex
	idle        map[string][]*Environment // on-demand, by Config.Key, most recently used last
	provisioned map[string]*provisionedSet
	prewarms    map[string]prewarm      // by function: one scheduled pre-warm each
	busy        map[string]int          // by function: starting or invoking
	usedMB      int                     // MemorySize of every live or starting environment, PoolMemoryMB per pooled one
	pools       map[string]*runtimePool // by runtime
	closed      bool

	pool     PoolOptions
	poolWake chan struct{} // wakes refill

	ctx     context.Context // cancelled by Close: stops pooled starts
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	stop    chan struct{}
	changed chan struct{} // wakes the provisioner
}

// provisionedSet is the environments kept initialised for one Key.
type provisionedSet struct {
	cfg      Config
	want     int
	alive    int // started (or starting) and not yet destroyed
	idle     []*Environment
	starting int
}

// Provision asks for n initialised environments of cfg.
type Provision struct {
	Config Config
	N      int
}

// NewManager starts a Manager, its reaper and its provisioner; Close
// stops them.
func NewManager(o Options) *Manager {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Runtimes == nil {
		o.Runtimes = &runtimes.Catalogue{}
	}
	m := &Manager{
		sandboxes:   sandboxes{backend: o.Backend, attachments: o.Attachments},
		runtimes:    o.Runtimes,
		sink:        o.Logs,
		log:         o.Logger,
		idleFor:     o.IdleTimeout,
		budget:      o.MemoryBudgetMB,
		policy:      o.KeepAlive,
		prewarms:    map[string]prewarm{},
		idle:        map[string][]*Environment{},
		provisioned: map[string]*provisionedSet{},
		busy:        map[string]int{},
		stop:        make(chan struct{}),
		changed:     make(chan struct{}, 1),
		pools:       map[string]*runtimePool{},
		poolWake:    make(chan struct{}, 1),
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	if _, ok := o.Backend.(sandbox.Pooler); o.Pool.Dir != "" && !ok {
		o.Logger.Warn("no pools of pre-started runtimes: the sandbox backend cannot make pooled sandboxes", "backend", o.Backend.Name())
	} else if o.Pool.Dir != "" {
		m.pool = o.Pool.withDefaults()
		for _, rt := range m.pool.Runtimes {
			if _, ok := runtimes.Lookup(rt); !ok {
				continue
			}
			if _, err := m.runtimes.Launch(rt); err == nil {
				m.pools[poolKey(rt)] = &runtimePool{}
			}
		}
	}
	m.wg.Add(2)
	go m.reap()
	go m.provision()
	if len(m.pools) > 0 {
		m.wg.Add(1)
		go m.refill()
	}
	return m
}

// Invoke runs inv in a warm environment for cfg, or in a new one when none
// is idle. Every concurrent call gets its own environment.
func (m *Manager) Invoke(ctx context.Context, cfg Config, inv Invocation) (Result, error) {
	arrived := time.Now()
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
	w := keepalive.Windows{KeepAlive: m.idleFor}
	if m.policy != nil {
		m.policy.Invoked(cfg.Function, arrived, time.Now())
		w = m.policy.Windows(cfg.Function)
	}
	m.release(e, err == nil && res.Reusable, w)
	return res, err
}

// takeIdle pops a live idle environment from list; dead ones are dropped
// into doomed. Called with m.mu held.
func takeIdle(list []*Environment, doomed *[]*Environment) (*Environment, []*Environment) {
	for len(list) > 0 {
		e := list[len(list)-1]
		list = list[:len(list)-1]
		if e.exited() || e.credentialsExpiring() {
			// Its runtime died while idle, or its credentials would run
			// out during the invocation; Lambda would start afresh.
			*doomed = append(*doomed, e)
			continue
		}
		return e, list
	}
	return nil, list
}

func (m *Manager) acquire(ctx context.Context, cfg Config, requestID string) (*Environment, error) {
	key := cfg.Key()
	var doomed []*Environment
	defer func() { m.destroyAll(doomed) }()
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, ErrClosed
	}
	// An invocation before its pre-warm time: the pre-warm is moot.
	delete(m.prewarms, cfg.Function)
	var e *Environment
	if set := m.provisioned[key]; set != nil {
		e, set.idle = takeIdle(set.idle, &doomed)
	}
	if e == nil {
		e, m.idle[key] = takeIdle(m.idle[key], &doomed)
	}
	for _, d := range doomed {
		m.forgetLocked(d)
	}
	if e != nil {
		m.busy[cfg.Function]++
		m.mu.Unlock()
		return e, nil
	}
	pooled := m.takePooled(cfg, &doomed)
	if !m.reserveMemory(cfg.MemoryMB, &doomed) {
		if pooled != nil {
			m.returnPooled(pooled)
		}
		m.mu.Unlock()
		return nil, ErrNoCapacity
	}
	m.busy[cfg.Function]++
	m.mu.Unlock()
	var err error
	if pooled != nil {
		e, err = pooled, pooled.specialize(ctx, cfg, m.sink, requestID)
		m.mu.Lock()
		m.specialised(cfg.Runtime)
		m.mu.Unlock()
	} else {
		e, err = m.start(ctx, cfg, requestID)
	}
	if err != nil {
		m.mu.Lock()
		m.markIdle(cfg.Function)
		m.usedMB -= cfg.MemoryMB
		m.mu.Unlock()
		return nil, err
	}
	return e, nil
}

// start starts a new environment for cfg.
func (m *Manager) start(ctx context.Context, cfg Config, requestID string) (*Environment, error) {
	launch, err := m.runtimes.Launch(cfg.Runtime)
	if errors.Is(err, runtimes.ErrNoInterpreter) {
		// The function was created on a node that had the interpreter, or
		// before this one lost it: the caller sees why nothing ran.
		return nil, platformError(ErrInvalidEntrypoint, requestID, "%v", err)
	}
	if err != nil {
		return nil, fmt.Errorf("starting runtime %s: %w", cfg.Runtime, err)
	}
	return start(ctx, m.sandboxes, cfg, launch, m.sink, m.log, requestID)
}

// reserveMemory books mb for a new environment, giving up the least
// recently used idle on-demand environments when the budget requires it.
// Called with m.mu held; the environments to destroy go to doomed.
func (m *Manager) reserveMemory(mb int, doomed *[]*Environment) bool {
	for m.budget > 0 && m.usedMB+mb > m.budget {
		if victim := m.oldestIdle(); victim != nil {
			*doomed = append(*doomed, victim)
			m.forgetLocked(victim)
			continue
		}
		// Then pooled environments: a function's cold start comes first.
		victim := m.popPooledLocked()
		if victim == nil {
			return false
		}
		*doomed = append(*doomed, victim)
	}
	m.usedMB += mb
	return true
}

// oldestIdle removes and returns the least recently used idle on-demand
// environment. Called with m.mu held.
func (m *Manager) oldestIdle() *Environment {
	var oldest *Environment
	var oldestKey string
	for key, list := range m.idle {
		if len(list) > 0 && (oldest == nil || list[0].lastUsed.Before(oldest.lastUsed)) {
			oldest, oldestKey = list[0], key
		}
	}
	if oldest == nil {
		return nil
	}
	m.idle[oldestKey] = m.idle[oldestKey][1:]
	if len(m.idle[oldestKey]) == 0 {
		delete(m.idle, oldestKey)
	}
	return oldest
}

func (m *Manager) release(e *Environment, reusable bool, w keepalive.Windows) {
	m.mu.Lock()
	m.markIdle(e.cfg.Function)
	key := e.cfg.Key()
	now := time.Now()
	if reusable && !m.closed && e.State() == Ready {
		e.lastUsed = now
		set := m.provisioned[key]
		switch {
		case e.provisioned && set != nil && set.alive <= set.want:
			set.idle = append(set.idle, e)
			m.mu.Unlock()
			return
		case w.PreWarm == 0 || m.hasIdle(e.cfg.Function):
			// Keep it loaded for the keep-alive window. (With other idle
			// environments of the function around, it is not a lone
			// periodic caller: pre-warming one would not cover the rest.)
			e.idleUntil = now.Add(w.KeepAlive)
			m.idle[key] = append(m.idle[key], e)
			m.mu.Unlock()
			return
		default:
			// Unload now; bring one back just before the next expected
			// invocation.
			m.prewarms[e.cfg.Function] = prewarm{cfg: e.cfg, at: now.Add(w.PreWarm), until: now.Add(w.PreWarm + w.KeepAlive)}
		}
	}
	m.forgetLocked(e)
	m.mu.Unlock()
	e.destroy()
}

// forgetLocked accounts for an environment about to be destroyed. Called
// with m.mu held.
func (m *Manager) forgetLocked(e *Environment) {
	m.usedMB -= e.cfg.MemoryMB
	if set := m.provisioned[e.cfg.Key()]; e.provisioned && set != nil {
		set.alive--
		m.wake()
	}
}

func (m *Manager) destroyAll(envs []*Environment) {
	for _, e := range envs {
		e.destroy()
	}
}

// Forget destroys the idle environments of a function that was deleted.
// Busy ones finish their invocation first and are then not reused, because
// their Key no longer matches new requests. (An update needs no Forget:
// the old configuration's Key matches nothing new, so its idle
// environments are reaped like any other.)
func (m *Manager) Forget(function string) {
	m.mu.Lock()
	var doomed []*Environment
	for key, list := range m.idle {
		if len(list) > 0 && list[0].cfg.Function == function {
			for _, e := range list {
				m.forgetLocked(e)
			}
			doomed = append(doomed, list...)
			delete(m.idle, key)
		}
	}
	m.mu.Unlock()
	m.destroyAll(doomed)
}

// markIdle counts one environment of function as no longer busy; m.mu is
// held.
func (m *Manager) markIdle(function string) {
	if m.busy[function]--; m.busy[function] <= 0 {
		delete(m.busy, function)
	}
}

// FunctionEnvironments counts one function's environments on this node.
// Busy ones are starting or running an invocation: the function's
// concurrency. (Pools are something else: pre-started runtimes of no
// function yet, RuntimePool.)
type FunctionEnvironments struct {
	Function   string
	Idle, Busy int
}

// Environments reports every function's idle and busy environments, sorted
// by function.
func (m *Manager) Environments() []FunctionEnvironments {
	m.mu.Lock()
	byFunction := map[string]*FunctionEnvironments{}
	pool := func(fn string) *FunctionEnvironments {
		if byFunction[fn] == nil {
			byFunction[fn] = &FunctionEnvironments{Function: fn}
		}
		return byFunction[fn]
	}
	for _, list := range m.idle {
		for _, e := range list {
			pool(e.cfg.Function).Idle++
		}
	}
	for _, set := range m.provisioned {
		for _, e := range set.idle {
			pool(e.cfg.Function).Idle++
		}
	}
	for fn, n := range m.busy {
		pool(fn).Busy += n
	}
	m.mu.Unlock()
	pools := make([]FunctionEnvironments, 0, len(byFunction))
	for _, p := range byFunction {
		pools = append(pools, *p)
	}
	slices.SortFunc(pools, func(a, b FunctionEnvironments) int { return strings.Compare(a.Function, b.Function) })
	return pools
}

// reap shuts down on-demand environments idle longer than the keep-alive.
func (m *Manager) reap() {
	defer m.wg.Done()
	every := min(max(m.idleFor/10, 50*time.Millisecond), time.Second)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
		}
		now := time.Now()
		var doomed []*Environment
		m.mu.Lock()
		for key, list := range m.idle {
			kept := list[:0]
			for _, e := range list {
				if now.After(e.idleUntil) {
					doomed = append(doomed, e)
					m.forgetLocked(e)
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
		due := m.duePrewarms(now)
		m.mu.Unlock()
		for _, e := range doomed {
			e.log.Debug("reaping idle environment")
		}
		m.destroyAll(doomed)
		for _, p := range due {
			m.startPrewarm(p)
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
	for _, set := range m.provisioned {
		all = append(all, set.idle...)
	}
	all = append(all, m.closePoolsLocked()...)
	m.idle = map[string][]*Environment{}
	m.provisioned = map[string]*provisionedSet{}
	m.mu.Unlock()
	m.cancel()
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
