package envs

import (
	"slices"

	"gust/internal/runtimes"
	"strings"
	"time"
)

// PoolOptions configures the pools of pre-started runtimes: sandboxes with
// the interpreter and Gust's bootstrap loaded, not yet any function's. A
// cold start of a pooled runtime takes one and specialises it instead of
// building a sandbox and starting the interpreter. A pooled environment
// serves exactly one function and is never returned to its pool.
type PoolOptions struct {
	// Dir holds one directory per pooled sandbox, the mount point behind
	// its /var/task; it must be on a file system where the server may
	// mount. "" disables pools.
	Dir string
	// Runtimes lists the runtime identifiers to pool; those the node
	// cannot start are skipped.
	Runtimes []string
	// Min is each pool's size without demand (default 1); Max caps it
	// under demand (default 8).
	Min, Max int
	// Window is how long a take counts as demand (default 30 s): a pool
	// holds Min plus the takes of the last Window, up to Max, so it
	// shrinks back to Min after a Window without cold starts.
	Window time.Duration
}

// PoolMemoryMB is what the memory budget books for each pooled
// environment: the memory limit its sandbox has until it is specialised.
const PoolMemoryMB = 128

// pooledStartsAtOnce bounds how many pooled environments of one runtime
// start together, so refilling after a burst leaves CPU to the burst.
const pooledStartsAtOnce = 2

func (o PoolOptions) withDefaults() PoolOptions {
	if o.Min <= 0 {
		o.Min = 1
	}
	if o.Max < o.Min {
		o.Max = max(8, o.Min)
	}
	if o.Window <= 0 {
		o.Window = 30 * time.Second
	}
	return o
}

// runtimePool is the pooled environments of one runtime.
type runtimePool struct {
	idle     []*Environment // oldest first
	starting int
	// specialising counts taken environments still in their init:
	// refilling waits for them, so that a cold start does not share the
	// CPU with the start of its replacement.
	specialising int
	takes        []time.Time // cold starts served or wanted within the window
	taken        int64       // environments given to functions, ever
}

// target is how many environments the pool should hold at now.
func (p *runtimePool) target(o PoolOptions, now time.Time) int {
	cut := 0
	for cut < len(p.takes) && now.Sub(p.takes[cut]) > o.Window {
		cut++
	}
	p.takes = p.takes[cut:]
	return min(o.Min+len(p.takes), o.Max)
}

// poolKey names the pool of runtime: the provided runtimes differ in name
// only, and share one.
func poolKey(runtime string) string {
	if r, ok := runtimes.Lookup(runtime); ok && r.Family == runtimes.Provided {
		return "provided"
	}
	return runtime
}

// poolable tells whether cfg may take a pooled environment: every pooled
// sandbox has Lambda's default /tmp and an empty /opt (layers are bound
// when a sandbox is built).
func poolable(cfg Config) bool { return (cfg.TmpMB == 0 || cfg.TmpMB == 512) && cfg.OptDir == "" }

// takePooled pops a live pooled environment for cfg, or returns nil. The
// memory booked for it is released: the caller books cfg's. Called with
// m.mu held.
func (m *Manager) takePooled(cfg Config, doomed *[]*Environment) *Environment {
	p := m.pools[poolKey(cfg.Runtime)]
	if p == nil || !poolable(cfg) {
		return nil
	}
	p.takes = append(p.takes, time.Now())
	m.wakePools()
	for len(p.idle) > 0 {
		e := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		m.usedMB -= PoolMemoryMB
		if e.exited() {
			*doomed = append(*doomed, e)
			continue
		}
		p.taken++
		p.specialising++
		return e
	}
	return nil
}

// popPooledLocked removes an environment from the fullest pool, or
// returns nil. Called with m.mu held.
func (m *Manager) popPooledLocked() *Environment {
	var fullest *runtimePool
	for _, p := range m.pools {
		if len(p.idle) > 0 && (fullest == nil || len(p.idle) > len(fullest.idle)) {
			fullest = p
		}
	}
	if fullest == nil {
		return nil
	}
	e := fullest.idle[0]
	fullest.idle = fullest.idle[1:]
	m.usedMB -= PoolMemoryMB
	return e
}

// returnPooled puts back an environment taken by takePooled that could not
// be used (no memory for its function). Called with m.mu held.
func (m *Manager) returnPooled(e *Environment) {
	p := m.pools[e.cfg.Runtime]
	p.idle = append(p.idle, e)
	p.taken--
	p.specialising--
	m.usedMB += PoolMemoryMB
}

// specialised notes the end of a taken environment's init. Called with
// m.mu held.
func (m *Manager) specialised(runtime string) {
	if p := m.pools[poolKey(runtime)]; p != nil && p.specialising > 0 {
		p.specialising--
		m.wakePools()
	}
}

func (m *Manager) wakePools() {
	select {
	case m.poolWake <- struct{}{}:
	default:
	}
}

// refill keeps every pool at its target: it starts environments a pool
// lacks and destroys those it holds beyond its target.
func (m *Manager) refill() {
	defer m.wg.Done()
	t := time.NewTicker(min(max(m.pool.Window/4, 50*time.Millisecond), time.Second))
	defer t.Stop()
	for {
		m.fillPools()
		select {
		case <-m.stop:
			return
		case <-m.poolWake:
		case <-t.C:
		}
	}
}

func (m *Manager) fillPools() {
	now := time.Now()
	var doomed []*Environment
	m.mu.Lock()
	for rt, p := range m.pools {
		want := p.target(m.pool, now)
		for len(p.idle) > want { // the oldest go first
			doomed = append(doomed, p.idle[0])
			p.idle = p.idle[1:]
			m.usedMB -= PoolMemoryMB
		}
		for len(p.idle)+p.starting < want && p.starting < pooledStartsAtOnce && p.specialising == 0 && !m.closed {
			if m.budget > 0 && m.usedMB+PoolMemoryMB > m.budget {
				break // pools never push out functions' environments
			}
			m.usedMB += PoolMemoryMB
			p.starting++
			m.wg.Add(1) // refill holds the group, so Close has not begun waiting
			go m.startPooled(rt)
		}
	}
	m.mu.Unlock()
	m.destroyAll(doomed)
}

// startPooled starts one environment for the pool of rt.
func (m *Manager) startPooled(rt string) {
	defer m.wg.Done()
	e, err := func() (*Environment, error) {
		launch, err := m.runtimes.Launch(rt)
		if err != nil {
			return nil, err
		}
		r, _ := runtimes.Lookup(rt)
		return startPooled(m.ctx, m.sandboxes, rt, launch, r.Family != runtimes.Provided, m.pool.Dir, m.log)
	}()
	m.mu.Lock()
	p := m.pools[rt]
	p.starting--
	if err != nil || m.closed {
		m.usedMB -= PoolMemoryMB
		m.mu.Unlock()
		if err != nil {
			m.log.Debug("starting pooled environment", "runtime", rt, "err", err)
		} else {
			e.destroy()
		}
		return
	}
	p.idle = append(p.idle, e)
	m.mu.Unlock()
	m.wakePools() // go on if the pool still lacks some
}

// RuntimePool counts one runtime's pooled environments.
type RuntimePool struct {
	Runtime  string
	Idle     int // started and waiting to be specialised
	Starting int
	Taken    int64 // given to functions since the server started
}

// RuntimePools reports every pool, sorted by runtime.
func (m *Manager) RuntimePools() []RuntimePool {
	m.mu.Lock()
	out := make([]RuntimePool, 0, len(m.pools))
	for rt, p := range m.pools {
		out = append(out, RuntimePool{Runtime: rt, Idle: len(p.idle), Starting: p.starting, Taken: p.taken})
	}
	m.mu.Unlock()
	slices.SortFunc(out, func(a, b RuntimePool) int { return strings.Compare(a.Runtime, b.Runtime) })
	return out
}

// closePools empties every pool. Called with m.mu held, from Close.
func (m *Manager) closePoolsLocked() []*Environment {
	var all []*Environment
	for _, p := range m.pools {
		all = append(all, p.idle...)
		m.usedMB -= PoolMemoryMB * len(p.idle)
		p.idle = nil
	}
	return all
}
