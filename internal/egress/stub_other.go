//go:build !linux

package egress

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
)

var errNotLinux = fmt.Errorf("egress needs Linux (this is %s): %w", runtime.GOOS, errors.ErrUnsupported)

// ErrHostBusy is returned by Open while another gust server with full
// outbound runs on this host; never off Linux.
var ErrHostBusy = errors.New("egress: another gust server with full outbound runs on this host")

// Gateway is unavailable off Linux.
type Gateway struct{}

// Open fails off Linux.
func Open(Options) (*Gateway, error) { return nil, errNotLinux }

// Attach fails off Linux.
func (*Gateway) Attach(*os.File) (io.Closer, error) { return nil, errNotLinux }

// Close does nothing off Linux.
func (*Gateway) Close() error { return nil }
