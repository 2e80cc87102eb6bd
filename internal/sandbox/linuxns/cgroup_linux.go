package linuxns

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Controllers the sandbox uses. memory and pids are required; cpu (the
// share proportional to memory) is used when the host has it.
const (
	ctrlMemory = "memory"
	ctrlPids   = "pids"
	ctrlCPU    = "cpu"
)

var wantedControllers = []string{ctrlMemory, ctrlPids, ctrlCPU}

// mbPerCPU is how much memory buys one vCPU on Lambda.
const mbPerCPU = 1769

// hierarchy is one mounted cgroup tree.
type hierarchy struct {
	mountpoint  string   // e.g. /sys/fs/cgroup/memory, or /sys/fs/cgroup on v2
	own         string   // the directory of the cgroup this process is in
	controllers []string // the wanted controllers it carries
}

// cgroupLayout is where this host keeps the controllers the sandbox uses.
type cgroupLayout struct {
	v2          bool
	hierarchies []hierarchy // v2: exactly one
}

// detectCgroups finds the controllers from /proc/self/mountinfo and this
// process's own cgroups from /proc/self/cgroup. Cgroup v1 wins when it has
// the memory controller (hybrid hosts keep an empty v2 tree next to it);
// otherwise the cgroup v2 tree must offer memory and pids.
func detectCgroups() (*cgroupLayout, error) {
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, fmt.Errorf("reading mountinfo: %w", err)
	}
	own, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil, fmt.Errorf("reading own cgroup: %w", err)
	}
	return parseCgroups(mounts, own, func(mountpoint string) ([]byte, error) {
		return os.ReadFile(filepath.Join(mountpoint, "cgroup.controllers"))
	})
}

// parseCgroups is detectCgroups on given /proc/self/mountinfo and
// /proc/self/cgroup contents; v2Controllers reads a cgroup2 mount's
// cgroup.controllers.
func parseCgroups(mounts, own []byte, v2Controllers func(mountpoint string) ([]byte, error)) (*cgroupLayout, error) {
	v1Own, v2Own := parseProcCgroup(own)

	var v1 []hierarchy
	var v2 *hierarchy
	for _, m := range parseMountinfo(mounts) {
		switch m.fstype {
		case "cgroup":
			var ctrls []string
			var ownPath string
			for _, opt := range strings.Split(m.superOpts, ",") {
				if slices.Contains(wantedControllers, opt) && !hasController(v1, opt) {
					ctrls = append(ctrls, opt)
					ownPath = v1Own[opt]
				}
			}
			if len(ctrls) > 0 {
				v1 = append(v1, hierarchy{mountpoint: m.mountpoint, own: ownDir(m, ownPath), controllers: ctrls})
			}
		case "cgroup2":
			if v2 != nil {
				continue
			}
			data, err := v2Controllers(m.mountpoint)
			if err != nil {
				continue
			}
			var ctrls []string
			for _, c := range strings.Fields(string(data)) {
				if slices.Contains(wantedControllers, c) {
					ctrls = append(ctrls, c)
				}
			}
			v2 = &hierarchy{mountpoint: m.mountpoint, own: ownDir(m, v2Own), controllers: ctrls}
		}
	}
	if hasController(v1, ctrlMemory) {
		if !hasController(v1, ctrlPids) {
			return nil, errors.New("cgroup v1 has no pids controller")
		}
		return &cgroupLayout{hierarchies: v1}, nil
	}
	if v2 != nil && slices.Contains(v2.controllers, ctrlMemory) && slices.Contains(v2.controllers, ctrlPids) {
		return &cgroupLayout{v2: true, hierarchies: []hierarchy{*v2}}, nil
	}
	return nil, errors.New("no memory and pids cgroup controllers found (neither cgroup v1 nor v2)")
}

func hasController(hs []hierarchy, c string) bool {
	for _, h := range hs {
		if slices.Contains(h.controllers, c) {
			return true
		}
	}
	return false
}

type mountEntry struct {
	root, mountpoint, fstype, superOpts string
}

func parseMountinfo(data []byte) []mountEntry {
	var out []mountEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		a, b := strings.Fields(pre), strings.Fields(post)
		if len(a) < 5 || len(b) < 3 {
			continue
		}
		out = append(out, mountEntry{root: unescapeMount(a[3]), mountpoint: unescapeMount(a[4]), fstype: b[0], superOpts: b[2]})
	}
	return out
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// parseProcCgroup returns the v1 path per controller and the v2 path.
func parseProcCgroup(data []byte) (v1 map[string]string, v2 string) {
	v1 = map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			v2 = parts[2]
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			v1[c] = parts[2]
		}
	}
	return v1, v2
}

// ownDir maps a cgroup path to a directory under the mount, or to the
// mount itself when the path is not below the mount's root.
func ownDir(m mountEntry, path string) string {
	rel, ok := strings.CutPrefix(path, m.root)
	if path == "" || !ok || (m.root != "/" && rel != "" && !strings.HasPrefix(rel, "/")) {
		return m.mountpoint
	}
	return filepath.Join(m.mountpoint, filepath.Clean("/"+rel))
}

// cgroupHost is the prepared parent cgroup (one directory per hierarchy)
// under which environments' cgroups are made.
type cgroupHost struct {
	v2      bool
	parents []hierarchy // own replaced by the parent directory
}

// prepare makes the parent cgroup in every hierarchy: inside our own cgroup
// if possible, else under the root.
func (l *cgroupLayout) prepare(name string, log *slog.Logger) (*cgroupHost, error) {
	h := &cgroupHost{v2: l.v2}
	for _, hier := range l.hierarchies {
		candidates := []string{hier.own}
		if hier.own != hier.mountpoint {
			candidates = append(candidates, hier.mountpoint)
		}
		var errs []error
		for _, base := range candidates {
			dir := filepath.Join(base, name)
			err := l.makeParent(base, dir, hier.controllers)
			if err == nil {
				if base != hier.own {
					log.Info("sandbox cgroups go under the hierarchy root", "dir", dir, "reason", errors.Join(errs...))
				}
				p := hier
				p.own = dir
				h.parents = append(h.parents, p)
				break
			}
			errs = append(errs, err)
		}
		if len(h.parents) == 0 || h.parents[len(h.parents)-1].mountpoint != hier.mountpoint {
			return nil, fmt.Errorf("making the sandbox parent cgroup in %s: %w", hier.mountpoint, errors.Join(errs...))
		}
	}
	return h, nil
}

func (l *cgroupLayout) makeParent(base, dir string, ctrls []string) error {
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	if !l.v2 {
		return nil
	}
	// Hand the controllers down: base → dir → each environment.
	for _, d := range []string{base, dir} {
		for _, c := range ctrls {
			if err := writeFile(filepath.Join(d, "cgroup.subtree_control"), "+"+c); err != nil {
				if c == ctrlMemory || c == ctrlPids {
					_ = unix.Rmdir(dir) // only succeeds when unused
					return err
				}
			}
		}
	}
	return nil
}

// probe checks that a cgroup can be made and removed in every hierarchy,
// without leaving anything behind.
func (l *cgroupLayout) probe() error {
	name := fmt.Sprintf("gust-probe-%d-%d", os.Getpid(), time.Now().UnixNano())
	for _, hier := range l.hierarchies {
		var err error
		for _, base := range []string{hier.own, hier.mountpoint} {
			dir := filepath.Join(base, name)
			if err = os.Mkdir(dir, 0o755); err == nil {
				err = unix.Rmdir(dir)
				break
			}
		}
		if err != nil {
			return fmt.Errorf("cgroup %s is not writable: %w", hier.mountpoint, err)
		}
	}
	return nil
}

// limits are an environment's resource limits.
type limits struct {
	memoryBytes int64
	memoryMB    int
	pidsMax     int
}

// envCgroup is one environment's cgroup: a directory per hierarchy.
type envCgroup struct {
	v2   bool
	dirs []string // one per hierarchy
	ctrl map[string]string

	// peak stays open: it is read after every invocation, and a pread of
	// an open cgroup file costs a fraction of open+read+close.
	peakMu sync.Mutex
	peak   *os.File
}

func (h *cgroupHost) create(id string, lim limits) (*envCgroup, error) {
	c := &envCgroup{v2: h.v2, ctrl: map[string]string{}}
	for _, p := range h.parents {
		dir := filepath.Join(p.own, id)
		err := os.Mkdir(dir, 0o755)
		if errors.Is(err, fs.ErrExist) && unix.Rmdir(dir) == nil { // an empty leftover
			err = os.Mkdir(dir, 0o755)
		}
		if err != nil {
			_ = c.remove(time.Second)
			return nil, fmt.Errorf("making cgroup: %w", err)
		}
		c.dirs = append(c.dirs, dir)
		for _, ctl := range p.controllers {
			c.ctrl[ctl] = dir
		}
	}
	if err := c.setLimits(lim); err != nil {
		_ = c.remove(time.Second)
		return nil, err
	}
	return c, nil
}

func (c *envCgroup) setLimits(lim limits) error {
	mem, pids := c.ctrl[ctrlMemory], c.ctrl[ctrlPids]
	bytes := strconv.FormatInt(lim.memoryBytes, 10)
	pidsMax := strconv.Itoa(lim.pidsMax)
	if c.v2 {
		if err := writeFile(filepath.Join(mem, "memory.max"), bytes); err != nil {
			return err
		}
		if err := writeOptional(filepath.Join(mem, "memory.swap.max"), "0"); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(pids, "pids.max"), pidsMax); err != nil {
			return err
		}
		if cpu := c.ctrl[ctrlCPU]; cpu != "" {
			weight := min(max(lim.memoryMB*100/mbPerCPU, 1), 10000) // 100 is one CPU's worth
			if err := writeOptional(filepath.Join(cpu, "cpu.weight"), strconv.Itoa(weight)); err != nil {
				return err
			}
		}
		return nil
	}
	memsw := filepath.Join(mem, "memory.memsw.limit_in_bytes")
	if err := writeFile(filepath.Join(mem, "memory.limit_in_bytes"), bytes); err != nil {
		// Raising the limit of a pooled sandbox: v1 refuses a memory
		// limit above memory plus swap, so that goes up first.
		if writeOptional(memsw, bytes) != nil {
			return err
		}
		if err := writeFile(filepath.Join(mem, "memory.limit_in_bytes"), bytes); err != nil {
			return err
		}
	}
	// Memory plus swap equal to memory: no swap. Absent without swap accounting.
	if err := writeOptional(memsw, bytes); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(pids, "pids.max"), pidsMax); err != nil {
		return err
	}
	if cpu := c.ctrl[ctrlCPU]; cpu != "" {
		shares := max(lim.memoryMB*1024/mbPerCPU, 2) // 1024 is one CPU's worth
		if err := writeFile(filepath.Join(cpu, "cpu.shares"), strconv.Itoa(shares)); err != nil {
			return err
		}
	}
	return nil
}

// join moves a process (all its threads) into the environment's cgroups.
func (c *envCgroup) join(pid int) error {
	for _, d := range c.dirs {
		if err := writeFile(filepath.Join(d, "cgroup.procs"), strconv.Itoa(pid)); err != nil {
			return err
		}
	}
	return nil
}

// peakMemory is the most memory the environment has used.
func (c *envCgroup) peakMemory() int64 {
	c.peakMu.Lock()
	defer c.peakMu.Unlock()
	if c.peak == nil {
		name := "memory.max_usage_in_bytes"
		if c.v2 {
			name = "memory.peak"
		}
		f, err := os.Open(filepath.Join(c.ctrl[ctrlMemory], name))
		if err != nil {
			return 0
		}
		c.peak = f
	}
	var buf [32]byte
	n, err := c.peak.ReadAt(buf[:], 0)
	if n == 0 && err != nil {
		return 0
	}
	v, _ := strconv.ParseInt(strings.TrimSpace(string(buf[:n])), 10, 64)
	return v
}

// oomKills is how many processes the memory controller killed.
func (c *envCgroup) oomKills() int {
	name := "memory.oom_control"
	if c.v2 {
		name = "memory.events"
	}
	data, err := os.ReadFile(filepath.Join(c.ctrl[ctrlMemory], name))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

// procs lists the processes in the environment's cgroups.
func (c *envCgroup) procs() []int {
	var pids []int
	for _, d := range c.dirs {
		data, err := os.ReadFile(filepath.Join(d, "cgroup.procs"))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(data)) {
			if pid, err := strconv.Atoi(f); err == nil && !slices.Contains(pids, pid) {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// kill SIGKILLs every process in the environment's cgroups until none is
// left. Killing the environment's PID 1 beforehand does most of the work
// (the kernel then kills its whole PID namespace); this catches the rest
// and waits for the cgroups to empty.
func (c *envCgroup) kill(timeout time.Duration) error {
	if c.v2 {
		_ = writeFile(filepath.Join(c.dirs[0], "cgroup.kill"), "1") // Linux 5.14+; the loop below covers older kernels
	}
	deadline := time.Now().Add(timeout)
	for wait := time.Millisecond; ; wait = min(wait*2, 20*time.Millisecond) {
		pids := c.procs()
		if len(pids) == 0 {
			return nil
		}
		for _, pid := range pids {
			_ = unix.Kill(pid, unix.SIGKILL)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes %v survived SIGKILL for %v", pids, timeout)
		}
		time.Sleep(wait)
	}
}

// remove deletes the environment's cgroups, retrying while the kernel
// still counts exiting processes.
func (c *envCgroup) remove(timeout time.Duration) error {
	c.peakMu.Lock()
	if c.peak != nil {
		c.peak.Close()
		c.peak = nil
	}
	c.peakMu.Unlock()
	deadline := time.Now().Add(timeout)
	var errs []error
	for _, d := range c.dirs {
		for wait := time.Millisecond; ; wait = min(wait*2, 20*time.Millisecond) {
			err := unix.Rmdir(d)
			if err == nil || errors.Is(err, unix.ENOENT) {
				break
			}
			if !errors.Is(err, unix.EBUSY) || time.Now().After(deadline) {
				errs = append(errs, fmt.Errorf("removing cgroup %s: %w", d, err))
				break
			}
			time.Sleep(wait)
		}
	}
	return errors.Join(errs...)
}

// writeFile writes a cgroup control file; the error names the file.
func writeFile(path, value string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = f.Write([]byte(value))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %q to %s: %w", value, path, err)
	}
	return nil
}

// writeOptional is writeFile for a file the kernel may not have.
func writeOptional(path, value string) error {
	err := writeFile(path, value)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
