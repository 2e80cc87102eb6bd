package envs

import (
	"context"
	"errors"
	"fmt"
	"io"

	"gust/internal/sandbox"
)

// sandboxes makes the sandbox of each environment: the backend's instance
// with every attachment attached before anything runs in it.
type sandboxes struct {
	backend     sandbox.Backend
	attachments []sandbox.Attachment
}

// create makes an on-demand environment's sandbox; the Closer detaches
// the attachments (before Destroy).
func (s sandboxes) create(ctx context.Context, spec sandbox.Spec) (sandbox.Instance, io.Closer, error) {
	inst, err := s.backend.Create(ctx, spec)
	if err != nil {
		return nil, nil, err
	}
	detach, err := sandbox.Attach(inst, s.attachments)
	if err != nil {
		_ = inst.Destroy()
		return nil, nil, fmt.Errorf("attaching to the sandbox: %w", err)
	}
	return inst, detach, nil
}

// errNoPooling is createPooled's error for a backend that is no Pooler.
var errNoPooling = errors.New("the sandbox backend cannot make pooled sandboxes")

// createPooled makes a pooled sandbox, attached like any other: what is
// attached does not depend on the function.
func (s sandboxes) createPooled(ctx context.Context, spec sandbox.Spec) (sandbox.PooledInstance, io.Closer, error) {
	p, ok := s.backend.(sandbox.Pooler)
	if !ok {
		return nil, nil, errNoPooling
	}
	inst, err := p.CreatePooled(ctx, spec)
	if err != nil {
		return nil, nil, err
	}
	detach, err := sandbox.Attach(inst, s.attachments)
	if err != nil {
		_ = inst.Destroy()
		return nil, nil, fmt.Errorf("attaching to the sandbox: %w", err)
	}
	return inst, detach, nil
}
