package nodemem

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// cgroupLimits are the files that may hold the server's memory limit:
// cgroup v2's memory.max, then v1's memory.limit_in_bytes.
var cgroupLimits = []string{"sys/fs/cgroup/memory.max", "sys/fs/cgroup/memory/memory.limit_in_bytes"}

// MB is the memory in MiB this node may give environments, reading the
// files under root ("/" on a real host). 0 means unknown: no readable
// /proc/meminfo.
func MB(root string) int {
	total := 0
	if b, err := os.ReadFile(filepath.Join(root, "proc/meminfo")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
				total = kb / 1024
			}
		}
	}
	for _, f := range cgroupLimits {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			continue
		}
		// "max" (v2) and v1's huge "no limit" value parse as no lower limit.
		if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && int(n>>20) < total {
			total = int(n >> 20)
		}
	}
	return total
}
