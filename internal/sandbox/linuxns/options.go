package linuxns

import (
	"fmt"
	"log/slog"
	"regexp"
)

// Defaults, as AWS Lambda has them.
const (
	DefaultCgroupParent = "gust"
	DefaultPidsMax      = 1024 // Lambda's limit on processes and threads
	DefaultUID          = 993  // Lambda's sbx_user1051
	DefaultGID          = 990
)

// RuntimeAPIAddr is where the Runtime API listens inside every environment.
const RuntimeAPIAddr = "127.0.0.1:9001"

// Options configures the namespace backend. The zero value is usable.
type Options struct {
	// CgroupParent names the cgroup under which every environment gets its
	// own (default "gust"). Per controller it is made inside the cgroup this
	// server runs in, so limits put on the server (a systemd unit's
	// MemoryMax, a container's) bound its environments too. Where that is
	// impossible it is made under the hierarchy's root: always on cgroup
	// v2 (unless the server runs in the root cgroup), as a v2 cgroup that
	// holds processes, the server itself, cannot hand controllers down.
	CgroupParent string
	// Logger receives the backend's decisions and timings; nil discards.
	Logger *slog.Logger
	// PidsMax caps the processes and threads of one environment (default
	// 1024).
	PidsMax int
	// UID and GID run the bootstrap (default 993 and 990). Never 0.
	UID, GID int
}

var cgroupNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

func (o Options) withDefaults() (Options, error) {
	if o.CgroupParent == "" {
		o.CgroupParent = DefaultCgroupParent
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.PidsMax == 0 {
		o.PidsMax = DefaultPidsMax
	}
	if o.UID == 0 {
		o.UID = DefaultUID
	}
	if o.GID == 0 {
		o.GID = DefaultGID
	}
	switch {
	case !cgroupNamePattern.MatchString(o.CgroupParent) || o.CgroupParent == "." || o.CgroupParent == "..":
		return o, fmt.Errorf("linuxns: CgroupParent %q is not a single cgroup name", o.CgroupParent)
	case o.PidsMax < 1:
		return o, fmt.Errorf("linuxns: PidsMax %d is not positive", o.PidsMax)
	case o.UID < 0 || o.GID < 0:
		return o, fmt.Errorf("linuxns: UID %d / GID %d must be positive", o.UID, o.GID)
	}
	return o, nil
}
