package egress

import (
	"context"
	"errors"
	"fmt"

	"gust/internal/sandbox"
)

var _ sandbox.Uplink = (*Gateway)(nil)

// Backend is a sandbox.Backend whose environments reach the network
// through an Uplink (the Gateway). It hands back the wrapped backend's
// instances themselves, so their optional capabilities stay visible; the
// instance owns the attachment and closes it in Destroy.
type Backend struct {
	backend sandbox.Backend
	uplink  sandbox.Uplink
}

// NewBackend wraps b; every environment it creates is attached to u.
func NewBackend(b sandbox.Backend, u sandbox.Uplink) *Backend {
	return &Backend{backend: b, uplink: u}
}

// Name is the wrapped backend's.
func (b *Backend) Name() string { return b.backend.Name() }

// Create creates the environment and attaches it before anything runs in
// it. Pooled sandboxes come through here too, before their function is
// known: egress does not depend on the function.
func (b *Backend) Create(ctx context.Context, spec sandbox.Spec) (sandbox.Instance, error) {
	inst, err := b.backend.Create(ctx, spec)
	if err != nil {
		return nil, err
	}
	a, ok := inst.(sandbox.UplinkAttacher)
	if !ok {
		_ = inst.Destroy()
		return nil, errors.New("egress: the sandbox backend cannot connect environments to a network")
	}
	if err := a.AttachUplink(b.uplink); err != nil {
		_ = inst.Destroy()
		return nil, fmt.Errorf("connecting the environment: %w", err)
	}
	return inst, nil
}
