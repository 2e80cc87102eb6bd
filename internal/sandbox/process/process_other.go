//go:build !unix

package process

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"

	"gust/internal/sandbox"
)

// Options configures the process backend.
type Options struct {
	Logger *slog.Logger
}

// Backend is unavailable on this system.
type Backend struct{}

var errUnsupported = fmt.Errorf("process sandboxes need a Unix system (this is %s): %w", runtime.GOOS, errors.ErrUnsupported)

// New fails on this system.
func New(Options) (*Backend, error) { return nil, errUnsupported }

// Name is "process".
func (*Backend) Name() string { return "process" }

// Isolation: none.
func (*Backend) Isolation() sandbox.Isolation { return sandbox.Isolation{} }

// Create fails on this system.
func (*Backend) Create(context.Context, sandbox.Spec) (sandbox.Instance, error) {
	return nil, errUnsupported
}
