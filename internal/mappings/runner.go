package mappings

import (
	"context"
	"errors"
	"slices"
	"time"

	"gust/internal/store"
)

// resync is how often a runner looks at every mapping even without a
// change notification (another node's crash mid-transition, a poller that
// ended).
const resync = 5 * time.Second

// Run settles transitional states and keeps this node's pollers in line
// with the table until ctx ends; it then stops every poller and waits.
func (s *Service) Run(ctx context.Context) error {
	wake := make(chan struct{}, 1)
	if err := s.table.Watch(ctx, func(string, bool) {
		select {
		case wake <- struct{}{}:
		default:
		}
	}); err != nil {
		return err
	}
	defer s.stopAll()
	tick := time.NewTicker(resync)
	defer tick.Stop()
	for {
		s.reconcile(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-tick.C:
		}
	}
}

func (s *Service) reconcile(ctx context.Context) {
	keys, err := s.table.Keys(ctx, "")
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("listing event source mappings", "err", err)
		}
		return
	}
	for _, k := range keys {
		m, rev, err := s.get(ctx, k)
		if err != nil {
			continue
		}
		switch m.State {
		case Deleting:
			s.stopPoller(m.UUID)
			if err := s.table.Delete(ctx, m.UUID, rev); err != nil && !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
				s.log.Warn("deleting event source mapping", "uuid", m.UUID, "err", err)
			}
		case Creating, Enabling, Updating, Disabling:
			m.State = Disabled
			if m.Enabled {
				m.State = Enabled
			}
			if err := s.put(ctx, m, rev); err != nil && !errors.Is(err, store.ErrConflict) {
				s.log.Warn("settling event source mapping", "uuid", m.UUID, "err", err)
			}
			s.ensure(m)
		default:
			s.ensure(m)
		}
	}
	s.mu.Lock()
	var gone []string
	for uuid := range s.pollers {
		if !slices.Contains(keys, uuid) {
			gone = append(gone, uuid)
		}
	}
	s.mu.Unlock()
	for _, uuid := range gone {
		s.stopPoller(uuid)
	}
}

// ensure runs a poller for m when it is enabled (restarting one whose
// configuration changed) and stops it otherwise.
func (s *Service) ensure(m Mapping) {
	if m.State != Enabled {
		s.stopPoller(m.UUID)
		return
	}
	s.mu.Lock()
	p, ok := s.pollers[m.UUID]
	s.mu.Unlock()
	if ok && p.m.sameConfig(m) {
		return
	}
	if ok {
		s.stopPoller(m.UUID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pollers[m.UUID] = s.startPoller(m)
}

func (m Mapping) sameConfig(o Mapping) bool {
	return m.FunctionARN == o.FunctionARN && m.EventSourceARN == o.EventSourceARN && m.BatchSize == o.BatchSize &&
		m.BatchWindow == o.BatchWindow && slices.Equal(m.ResponseTypes, o.ResponseTypes) && m.MaxConcurrency == o.MaxConcurrency &&
		slices.Equal(m.Filters, o.Filters)
}

func (s *Service) stopPoller(uuid string) {
	s.mu.Lock()
	p, ok := s.pollers[uuid]
	delete(s.pollers, uuid)
	s.mu.Unlock()
	if ok {
		p.stop()
	}
}

func (s *Service) stopAll() {
	s.mu.Lock()
	ps := s.pollers
	s.pollers = map[string]*poller{}
	s.mu.Unlock()
	for _, p := range ps {
		p.cancel()
	}
	for _, p := range ps {
		<-p.done
	}
}
