//go:build !linux

package linuxns

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"

	"gust/internal/sandbox"
)

var errNotLinux = fmt.Errorf("namespace isolation needs Linux (this is %s): %w", runtime.GOOS, errors.ErrUnsupported)

// Backend is unavailable off Linux.
type Backend struct{}

// Available reports that this host cannot run the namespace backend.
func Available() error { return errNotLinux }

// New fails off Linux.
func New(Options) (*Backend, error) { return nil, errNotLinux }

// Name is "namespace".
func (*Backend) Name() string { return "namespace" }

// Isolation is what the backend gives on Linux.
func (*Backend) Isolation() sandbox.Isolation {
	return sandbox.Isolation{Contained: true, OwnNetwork: true}
}

// Create fails off Linux.
func (*Backend) Create(context.Context, sandbox.Spec) (sandbox.Instance, error) {
	return nil, errNotLinux
}

// IsInit reports whether this process is a sandbox's init; never off Linux.
func IsInit() bool { return false }

// RunInit fails off Linux.
func RunInit() int {
	fmt.Fprintln(os.Stderr, "gust sandbox init:", errNotLinux)
	return 1
}
