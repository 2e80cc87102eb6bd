package nodemem

import (
	"os"
	"path/filepath"
	"testing"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

const meminfo = "MemTotal:       24576000 kB\nMemFree:         1000000 kB\n"

func TestMB(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  int
	}{
		{"host only", map[string]string{"proc/meminfo": meminfo}, 24000},
		{"v2 unlimited", map[string]string{"proc/meminfo": meminfo, "sys/fs/cgroup/memory.max": "max\n"}, 24000},
		{"v2 limit", map[string]string{"proc/meminfo": meminfo, "sys/fs/cgroup/memory.max": "2147483648\n"}, 2048},
		{"v1 no limit", map[string]string{"proc/meminfo": meminfo, "sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n"}, 24000},
		{"v1 limit", map[string]string{"proc/meminfo": meminfo, "sys/fs/cgroup/memory/memory.limit_in_bytes": "1073741824\n"}, 1024},
		{"limit above the host", map[string]string{"proc/meminfo": meminfo, "sys/fs/cgroup/memory.max": "107374182400\n"}, 24000},
		{"unknown", map[string]string{}, 0},
	} {
		if got := MB(writeTree(t, tc.files)); got != tc.want {
			t.Errorf("%s: MB = %d, want %d", tc.name, got, tc.want)
		}
	}
	if MB("/") <= 0 {
		t.Error("this host's memory is unknown")
	}
}
