package linuxns

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// buildDir is where the new root is assembled before pivot_root. Any
// existing directory does: every host path the sandbox shows is opened
// before the new root's tmpfs covers it.
const buildDir = "/tmp"

// What the sandbox shows of the host's top level: on merged-/usr hosts
// these are symlinks into /usr and are recreated as such.
var hostTopLevel = []string{"/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"}

// The only parts of the host's /etc the sandbox sees: what the C library,
// the dynamic linker, TLS and time zones read. Missing ones are skipped.
// /etc/passwd, /etc/group and /etc/hosts are written fresh.
var hostEtc = []string{
	"resolv.conf", "nsswitch.conf", "host.conf", "gai.conf", "protocols", "services",
	"ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "mime.types",
	"os-release", "alternatives",
	"ssl/certs", "ssl/openssl.cnf", "ssl/cert.pem", "ca-certificates", "ca-certificates.conf",
	"pki/ca-trust", "pki/tls/certs", "pki/tls/cert.pem", "pki/tls/openssl.cnf", "crypto-policies",
}

// Device nodes bound from the host's /dev.
var hostDevices = []string{"null", "zero", "full", "random", "urandom", "tty"}

// Mount flags.
const (
	roExec   = unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV
	roNoExec = roExec | unix.MS_NOEXEC
	devNode  = unix.MS_NOSUID | unix.MS_NOEXEC
)

// rootEntry is one thing placed in the new root: a read-only bind mount of
// an opened host path, or a symlink.
type rootEntry struct {
	target  string   // path inside the sandbox
	src     *os.File // O_PATH descriptor of the host path to bind
	dir     bool
	symlink string // when set, make this symlink instead
	flags   uintptr
}

// rootPlan collects entries; the host paths stay open until the plan is
// carried out.
type rootPlan struct {
	entries []rootEntry
}

func (p *rootPlan) close() {
	for _, e := range p.entries {
		if e.src != nil {
			_ = e.src.Close()
		}
	}
}

// bind plans a bind mount of hostPath at target; hostPath must exist.
func (p *rootPlan) bind(hostPath, target string, flags uintptr) error {
	fd, err := unix.Open(hostPath, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return step("mounting "+target, fmt.Errorf("opening %s: %w", hostPath, err))
	}
	f := os.NewFile(uintptr(fd), hostPath)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		_ = f.Close()
		return step("mounting "+target, err)
	}
	p.entries = append(p.entries, rootEntry{target: target, src: f, dir: st.Mode&unix.S_IFMT == unix.S_IFDIR, flags: flags})
	return nil
}

// mirror plans hostPath at the same place in the sandbox, if the host has
// it: a symlink that stays inside /usr is recreated as is, anything else is
// bound (through its symlinks) read-only.
func (p *rootPlan) mirror(hostPath string, flags uintptr) error {
	fi, err := os.Lstat(hostPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return step("mounting "+hostPath, err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		resolved, err := filepath.EvalSymlinks(hostPath)
		if err != nil {
			return nil // dangling: nothing to show
		}
		if strings.HasPrefix(resolved, "/usr/") {
			link, err := os.Readlink(hostPath)
			if err != nil {
				return step("mounting "+hostPath, err)
			}
			p.entries = append(p.entries, rootEntry{target: hostPath, symlink: link})
			return nil
		}
		return p.bind(resolved, hostPath, flags)
	}
	return p.bind(hostPath, hostPath, flags)
}

// place carries out one entry under root.
func (e rootEntry) place(root string) error {
	target := filepath.Join(root, e.target)
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	if e.symlink != "" {
		return os.Symlink(e.symlink, target)
	}
	if e.dir {
		if err := os.Mkdir(target, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	} else if err := os.WriteFile(target, nil, 0o644); err != nil {
		return err
	}
	return bindMount(fmt.Sprintf("/proc/self/fd/%d", e.src.Fd()), target, e.flags)
}

func bindMount(src, target string, flags uintptr) error {
	if err := unix.Mount(src, target, "", unix.MS_BIND, ""); err != nil {
		return err
	}
	if flags == 0 {
		return nil
	}
	return unix.Mount("", target, "", unix.MS_BIND|unix.MS_REMOUNT|flags, "")
}

// buildRoot assembles the sandbox's file system and pivots into it:
//
//	/                tmpfs, read-only once built
//	/usr, /bin, ...  the host's, read-only (symlinks on merged-/usr hosts)
//	/etc             a few of the host's files read-only, plus a synthetic
//	                 passwd, group and hosts
//	/dev             null zero full random urandom tty, fd/std* symlinks,
//	                 a small /dev/shm
//	/proc            this PID namespace's, /proc/sys read-only
//	/var/task        CodeDir, read-only
//	/opt             OptDir read-only, or empty
//	/var/runtime     RuntimeDir read-only, if set
//	/tmp             private tmpfs of TmpMB
func buildRoot(cfg *initConfig) error {
	unix.Umask(0o022)
	// A pooled sandbox keeps its copies of the host's mounts as slaves
	// until the root is built, so that /var/task (bound from CodeDir, a
	// shared mount) stays a slave of it; every other mount it places is
	// made private below. Nothing propagates back to the host either way.
	propagation := uintptr(unix.MS_PRIVATE)
	if cfg.CodeSlave {
		propagation = unix.MS_SLAVE
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|propagation, ""); err != nil {
		return step("making mounts private", err)
	}

	var plan rootPlan
	defer plan.close()
	if err := plan.bind(cfg.CodeDir, "/var/task", roExec); err != nil {
		return err
	}
	if cfg.OptDir != "" {
		if err := plan.bind(cfg.OptDir, "/opt", roExec); err != nil {
			return err
		}
	}
	if cfg.RuntimeDir != "" {
		if err := plan.bind(cfg.RuntimeDir, "/var/runtime", roExec); err != nil {
			return err
		}
	}
	if err := plan.bind("/usr", "/usr", roExec); err != nil {
		return err
	}
	for _, p := range hostTopLevel {
		if err := plan.mirror(p, roExec); err != nil {
			return err
		}
	}
	for _, name := range hostEtc {
		if err := plan.mirror("/etc/"+name, roNoExec); err != nil {
			return err
		}
	}
	var devices rootPlan
	defer devices.close()
	for _, name := range hostDevices {
		if err := devices.bind("/dev/"+name, "/dev/"+name, devNode); err != nil {
			return err
		}
	}

	root := buildDir
	if err := unix.Mount("tmpfs", root, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755,size=16m"); err != nil {
		return step("mounting the root tmpfs", err)
	}
	for _, dir := range []string{"/etc", "/opt", "/var/task", "/tmp", "/proc", "/dev"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0o755); err != nil {
			return step("making "+dir, err)
		}
	}
	for _, e := range plan.entries {
		if err := e.place(root); err != nil {
			return step("mounting "+e.target, err)
		}
		if cfg.CodeSlave && e.symlink == "" && e.target != "/var/task" {
			if err := unix.Mount("", filepath.Join(root, e.target), "", unix.MS_PRIVATE, ""); err != nil {
				return step("making "+e.target+" private", err)
			}
		}
	}
	if err := writeEtc(root, cfg); err != nil {
		return step("writing /etc", err)
	}
	if err := buildDev(root, &devices, cfg.ShmMB); err != nil {
		return err
	}
	if err := buildProc(root); err != nil {
		return err
	}
	tmpOpts := fmt.Sprintf("mode=1777,size=%dm", cfg.TmpMB)
	if err := unix.Mount("tmpfs", filepath.Join(root, "tmp"), "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, tmpOpts); err != nil {
		return step("mounting /tmp", err)
	}

	// pivot_root(".", ".") stacks the old root on the new one; detaching
	// "." then drops the whole host tree from this mount namespace.
	if err := unix.Chdir(root); err != nil {
		return step("entering the new root", err)
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return step("pivot_root", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return step("unmounting the host's root", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return step("entering the new root", err)
	}
	if err := unix.Mount("", "/", "", unix.MS_BIND|unix.MS_REMOUNT|roExec, ""); err != nil {
		return step("making / read-only", err)
	}
	return nil
}

// buildDev makes /dev: a read-only tmpfs holding bound device nodes, the
// usual symlinks and a small /dev/shm.
func buildDev(root string, devices *rootPlan, shmMB int) error {
	dev := filepath.Join(root, "dev")
	if err := unix.Mount("tmpfs", dev, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=0755,size=64k"); err != nil {
		return step("mounting /dev", err)
	}
	for _, e := range devices.entries {
		if err := e.place(root); err != nil {
			return step("mounting "+e.target, err)
		}
	}
	for name, target := range map[string]string{
		"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2",
	} {
		if err := os.Symlink(target, filepath.Join(dev, name)); err != nil {
			return step("making /dev/"+name, err)
		}
	}
	shm := filepath.Join(dev, "shm")
	if err := os.Mkdir(shm, 0o755); err != nil {
		return step("making /dev/shm", err)
	}
	if err := unix.Mount("tmpfs", shm, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, fmt.Sprintf("mode=1777,size=%dm", shmMB)); err != nil {
		return step("mounting /dev/shm", err)
	}
	if err := unix.Mount("", dev, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return step("making /dev read-only", err)
	}
	return nil
}

// buildProc mounts a proc of the new PID namespace, so the sandbox sees
// only its own processes, with /proc/sys and /proc/sysrq-trigger (where the
// kernel has it) read-only.
func buildProc(root string) error {
	proc := filepath.Join(root, "proc")
	if err := unix.Mount("proc", proc, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return step("mounting /proc", err)
	}
	for _, p := range []string{"sys", "sysrq-trigger"} {
		path := filepath.Join(proc, p)
		if err := bindMount(path, path, roNoExec); err != nil && !errors.Is(err, unix.ENOENT) {
			return step("making /proc/"+p+" read-only", err)
		}
	}
	return nil
}

// writeEtc writes the synthetic files: a passwd and group naming only
// root, the sandbox user and nobody, and a hosts file for the hostname.
func writeEtc(root string, cfg *initConfig) error {
	files := map[string]string{
		"passwd": fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\n"+
			"sbx_user1051:x:%d:%d::/home/sbx_user1051:/sbin/nologin\n"+
			"nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n", cfg.UID, cfg.GID),
		"group": fmt.Sprintf("root:x:0:\nsbx_user1051:x:%d:\nnobody:x:65534:\n", cfg.GID),
		"hosts": fmt.Sprintf("127.0.0.1\tlocalhost %s\n::1\tlocalhost ip6-localhost ip6-loopback\n", cfg.Hostname),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(root, "etc", name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}
