package envs

import (
	"context"
	"time"
)

// prewarm is an environment to start ahead of a function's next expected
// invocation (keep-alive policy's pre-warm window).
type prewarm struct {
	cfg   Config
	at    time.Time // start it then
	until time.Time // and keep it until then
}

// hasIdle tells whether a function has other idle environments. Called
// with m.mu held.
func (m *Manager) hasIdle(function string) bool {
	for _, list := range m.idle {
		if len(list) > 0 && list[0].cfg.Function == function {
			return true
		}
	}
	return false
}

// duePrewarms removes and returns the pre-warms whose time has come.
// Called with m.mu held.
func (m *Manager) duePrewarms(now time.Time) []prewarm {
	var due []prewarm
	for fn, p := range m.prewarms {
		if !now.Before(p.at) {
			due = append(due, p)
			delete(m.prewarms, fn)
		}
	}
	return due
}

// startPrewarm starts an environment and parks it idle until p.until. It
// runs on the reaper goroutine: pre-warms are rare (at most one per
// function per invocation gap).
func (m *Manager) startPrewarm(p prewarm) {
	var doomed []*Environment
	m.mu.Lock()
	if m.closed || !m.reserveMemory(p.cfg.MemoryMB, &doomed) {
		m.mu.Unlock()
		m.destroyAll(doomed)
		return
	}
	m.mu.Unlock()
	m.destroyAll(doomed)
	ctx, cancel := context.WithTimeout(context.Background(), InitTimeout)
	defer cancel()
	e, err := m.start(ctx, p.cfg, "prewarm")
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil || m.closed {
		m.usedMB -= p.cfg.MemoryMB
		if err == nil {
			go e.destroy()
		} else {
			m.log.Debug("pre-warming environment", "function", p.cfg.Function, "err", err)
		}
		return
	}
	// Its init was done ahead: the next invocation reports no Init
	// Duration, as it is not a cold start.
	e.initDuration = 0
	e.lastUsed = time.Now()
	e.idleUntil = p.until
	m.idle[p.cfg.Key()] = append(m.idle[p.cfg.Key()], e)
}
