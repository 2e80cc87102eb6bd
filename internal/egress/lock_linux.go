package egress

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// forwardingNote is what the lock file holds while IPv4 forwarding is on
// because a Gateway turned it on. /run is emptied at boot, as forwarding
// is reset, so the note never outlives the setting it describes.
const forwardingNote = "ip_forward was 0; gust turned it on\n"

// ErrHostBusy is returned by Open while another Gateway (another gust
// server with --outbound full) holds the host.
var ErrHostBusy = errors.New("egress: another gust server with full outbound runs on this host")

// hostLock makes its holder the only Gateway on the host: the link
// prefix, the nftables table and the forwarding setting are host-wide. Its
// file also remembers, across a crash, that Gust turned forwarding on.
type hostLock struct{ f *os.File }

// lockHost takes the lock at path without waiting. The kernel releases it
// when the process dies, however it dies.
func lockHost(path string) (*hostLock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w (%s is locked)", ErrHostBusy, path)
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return &hostLock{f: f}, nil
}

// forwardingNoted reports whether a Gateway, maybe one that crashed, noted
// that it turned forwarding on.
func (l *hostLock) forwardingNoted() (bool, error) {
	b, err := io.ReadAll(io.NewSectionReader(l.f, 0, 1<<10))
	return string(b) == forwardingNote, err
}

// noteForwarding writes or erases the note.
func (l *hostLock) noteForwarding(ours bool) error {
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	if !ours {
		return nil
	}
	_, err := l.f.WriteAt([]byte(forwardingNote), 0)
	return err
}

// release unlocks; the file stays for the next holder to read.
func (l *hostLock) release() error { return l.f.Close() }

const forwardingSysctl = "/proc/sys/net/ipv4/ip_forward"

// forwarding reads net.ipv4.ip_forward.
func forwarding() (bool, error) {
	b, err := os.ReadFile(forwardingSysctl)
	return strings.TrimSpace(string(b)) == "1", err
}

// setForwarding writes net.ipv4.ip_forward (which sets forwarding on every
// interface, and the default for new ones).
func setForwarding(on bool) error {
	v := "0\n"
	if on {
		v = "1\n"
	}
	return os.WriteFile(forwardingSysctl, []byte(v), 0o644)
}
