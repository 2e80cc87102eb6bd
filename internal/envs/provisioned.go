package envs

import (
	"context"
	"time"
)

// SyncProvisioned makes the wanted provisioned environments exactly
// these: sets not listed are dropped (their idle environments destroyed,
// busy ones when they finish).
func (m *Manager) SyncProvisioned(want []Provision) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keep := map[string]bool{}
	for _, p := range want {
		key := p.Config.Key()
		keep[key] = true
		set := m.provisioned[key]
		if set == nil {
			set = &provisionedSet{}
			m.provisioned[key] = set
		}
		set.cfg, set.want = p.Config, p.N
	}
	for key, set := range m.provisioned {
		if !keep[key] {
			set.want = 0
		}
	}
	m.wake()
}

// ProvisionedReady is how many initialised environments a Key has now.
func (m *Manager) ProvisionedReady(key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if set := m.provisioned[key]; set != nil {
		return set.alive - set.starting
	}
	return 0
}

func (m *Manager) wake() {
	select {
	case m.changed <- struct{}{}:
	default:
	}
}

// provision keeps every provisioned set at its wanted size.
func (m *Manager) provision() {
	defer m.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-m.stop; cancel() }()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-m.changed:
		case <-t.C:
		}
		m.provisionOnce(ctx)
	}
}

// provisionOnce starts or stops environments to match each set's want.
func (m *Manager) provisionOnce(ctx context.Context) {
	type job struct {
		set *provisionedSet
		cfg Config
	}
	var starts []job
	var doomed []*Environment
	m.mu.Lock()
	for key, set := range m.provisioned {
		for set.alive > set.want && len(set.idle) > 0 {
			e := set.idle[len(set.idle)-1]
			set.idle = set.idle[:len(set.idle)-1]
			m.forgetLocked(e)
			doomed = append(doomed, e)
		}
		if set.want == 0 && set.alive == 0 {
			delete(m.provisioned, key)
			continue
		}
		for set.alive < set.want {
			if !m.reserveMemory(set.cfg.MemoryMB, &doomed) {
				m.log.Warn("no memory for provisioned environment", "function", set.cfg.Function)
				break
			}
			set.alive++
			set.starting++
			starts = append(starts, job{set, set.cfg})
		}
	}
	m.mu.Unlock()
	m.destroyAll(doomed)
	for _, j := range starts {
		e, err := m.start(ctx, j.cfg.provisioned(), "provisioning")
		m.mu.Lock()
		j.set.starting--
		if err != nil || m.closed {
			j.set.alive--
			m.usedMB -= j.cfg.MemoryMB
			m.mu.Unlock()
			if err != nil {
				m.log.Warn("starting provisioned environment", "function", j.cfg.Function, "err", err)
			} else {
				e.destroy()
			}
			continue
		}
		// Init happened ahead of any invocation: nothing to report.
		e.provisioned = true
		e.initDuration = 0
		e.lastUsed = time.Now()
		j.set.idle = append(j.set.idle, e)
		m.mu.Unlock()
	}
}
