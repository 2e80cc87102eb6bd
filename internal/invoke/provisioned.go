package invoke

import (
	"context"
	"time"

	"gust/internal/control"
	"gust/internal/envs"
)

// RunProvisioner keeps the environments provisioned concurrency asks for,
// re-reading the configs every interval, until ctx ends.
func (s *Service) RunProvisioner(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.syncProvisioned(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Service) syncProvisioned(ctx context.Context) {
	configs, err := s.functions.AllProvisioned(ctx)
	if err != nil {
		s.log.Warn("reading provisioned concurrency", "err", err)
		return
	}
	want := make([]envs.Provision, 0, len(configs))
	for _, c := range configs {
		cfg, err := s.provisionedConfig(ctx, c)
		if err != nil {
			s.log.Warn("resolving provisioned concurrency", "function", c.Function, "qualifier", c.Qualifier, "err", err)
			continue
		}
		want = append(want, envs.Provision{Config: cfg, N: c.Requested})
	}
	s.envs.SyncProvisioned(want)
}

// provisionedConfig is the environment configuration a config provisions:
// its version, or its alias's primary version.
func (s *Service) provisionedConfig(ctx context.Context, c control.ProvisionedConfig) (envs.Config, error) {
	t, err := s.functions.ResolvePrimary(ctx, c.Function, c.Qualifier)
	if err != nil {
		return envs.Config{}, err
	}
	return s.envConfig(ctx, t)
}

// ProvisionedAllocated is how many environments of a config are
// initialised now.
func (s *Service) ProvisionedAllocated(ctx context.Context, c control.ProvisionedConfig) int {
	cfg, err := s.provisionedConfig(ctx, c)
	if err != nil {
		return 0
	}
	return s.envs.ProvisionedReady(cfg.Key())
}
