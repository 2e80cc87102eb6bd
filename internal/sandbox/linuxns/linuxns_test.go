//go:build linux

package linuxns

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"gust/internal/sandbox"
)

// The sandbox re-executes this test binary as its init process.
func TestMain(m *testing.M) {
	if IsInit() {
		os.Exit(RunInit())
	}
	os.Exit(m.Run())
}

// newTestBackend returns a backend whose parent cgroups belong to this test
// alone and must be empty (so removable) when the test ends: that checks
// every environment left nothing behind.
func newTestBackend(t *testing.T, opts Options) *Backend {
	t.Helper()
	if err := Available(); err != nil {
		if os.Geteuid() != 0 {
			t.Skipf("root-only test: namespace sandboxes need root: %v", err)
		}
		t.Fatalf("namespace backend unavailable although root: %v", err)
	}
	name := strings.NewReplacer("/", "-", "_", "-").Replace(t.Name())
	opts.CgroupParent = fmt.Sprintf("gust-test-%d-%s", os.Getpid(), name)
	opts.Logger = slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, p := range b.cg.parents {
			if err := unix.Rmdir(p.own); err != nil {
				entries, _ := os.ReadDir(p.own)
				var left []string
				for _, e := range entries {
					if e.IsDir() {
						left = append(left, e.Name())
					}
				}
				t.Errorf("parent cgroup %s not removable (%v); leftover environments: %v", p.own, err, left)
			}
		}
	})
	return b
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// syncBuffer collects a sandbox's output.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls until the output contains s.
func (b *syncBuffer) waitFor(t *testing.T, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(b.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("output never contained %q; got:\n%s", s, b.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fields parses "key=value" lines.
func fields(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			m[k] = v
		}
	}
	return m
}

func randomID(t *testing.T) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "t-" + hex.EncodeToString(b)
}

// codeDir makes a world-readable code directory holding the bootstrap.
func codeDir(t *testing.T, bootstrap string, mode os.FileMode) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte(bootstrap), mode); err != nil {
		t.Fatal(err)
	}
	return dir
}

type testEnv struct {
	*instance
	out *syncBuffer
}

// create makes an environment whose Runtime API answers every request
// with body, and destroys it when the test ends.
func create(t *testing.T, b *Backend, spec sandbox.Spec, body string) *testEnv {
	t.Helper()
	out := &syncBuffer{}
	if spec.ID == "" {
		spec.ID = randomID(t)
	}
	if spec.Command == nil {
		spec.Command = []string{"/var/task/bootstrap"}
	}
	if spec.MemoryMB == 0 {
		spec.MemoryMB = 256
	}
	if spec.TmpMB == 0 {
		spec.TmpMB = 64
	}
	spec.Env = append([]string{"PATH=/usr/local/bin:/usr/bin:/bin"}, spec.Env...)
	spec.Stdout, spec.Stderr = out, out
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	inst, err := b.Create(ctx, spec)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	e := &testEnv{inst.(*instance), out}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, body)
	})}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(inst.Listener())
	}()
	t.Cleanup(func() {
		if err := inst.Destroy(); err != nil {
			t.Errorf("Destroy: %v", err)
		}
		_ = srv.Close()
		<-served
		for _, d := range e.cg.dirs {
			if _, err := os.Stat(d); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("cgroup %s still exists after Destroy (%v)", d, err)
			}
		}
	})
	return e
}

func (e *testEnv) waitExit(t *testing.T, timeout time.Duration) sandbox.ExitStatus {
	t.Helper()
	select {
	case <-e.Exited():
		return e.ExitStatus()
	case <-time.After(timeout):
		t.Fatalf("bootstrap did not exit; output:\n%s", e.out.String())
		return sandbox.ExitStatus{}
	}
}

// finish destroys the environment, which waits for its output, and
// returns that output.
func (e *testEnv) finish(t *testing.T) string {
	t.Helper()
	if err := e.Destroy(); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	return e.out.String()
}

func readInt(t *testing.T, path string) int64 {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return n
}

const probeScript = `#!/bin/sh
echo "uid=$(id -u)"
echo "gid=$(id -g)"
echo "groups=$(id -G)"
echo "whoami=$(whoami)"
echo "pid=$$"
echo "pid1=$(tr '\0' ' ' </proc/1/cmdline)"
echo "procs=$(ls /proc | grep -c '^[0-9]')"
echo "cwd=$(pwd)"
touch /var/task/x 2>/dev/null && echo taskwrite=yes || echo taskwrite=no
touch /x 2>/dev/null && echo rootwrite=yes || echo rootwrite=no
touch /usr/x 2>/dev/null && echo usrwrite=yes || echo usrwrite=no
touch /etc/x 2>/dev/null && echo etcwrite=yes || echo etcwrite=no
echo hi >/tmp/x && echo tmpwrite=yes || echo tmpwrite=no
echo hi >/dev/shm/x && echo shmwrite=yes || echo shmwrite=no
echo hi >/dev/null && echo devnull=yes || echo devnull=no
test -e /etc/shadow && echo shadow=yes || echo shadow=no
test -e /root && echo root=yes || echo root=no
test -e /home && echo home=yes || echo home=no
test -e /sys/kernel && echo sys=yes || echo sys=no
test -e "$HOST_DIR" && echo hostdir=yes || echo hostdir=no
test -r /etc/ssl/certs/ca-certificates.crt && echo certs=yes || echo certs=no
echo "passwd=$(cut -d: -f1 /etc/passwd | tr '\n' ' ')"
echo "hostname=$(hostname)"
echo "api=$(curl -s -m 5 http://$AWS_LAMBDA_RUNTIME_API/)"
echo "host=$(curl -s -m 2 http://$HOST_ADDR/ || echo unreachable)"
echo "opt=$(ls -A /opt | wc -l)"
mount -t tmpfs none /tmp 2>/dev/null && echo mount=yes || echo mount=no
unshare -U true 2>/dev/null && echo unshare=yes || echo unshare=no
echo "nofile=$(ulimit -n)"
echo "nnp=$(grep NoNewPrivs /proc/self/status | tr -dc 0-9)"
echo "seccomp=$(grep '^Seccomp:' /proc/self/status | tr -dc 0-9)"
echo "capeff=$(grep CapEff /proc/self/status | cut -f2)"
echo "homeenv=${HOME:-unset}"
echo "fn=$AWS_LAMBDA_FUNCTION_NAME"
echo "apienv=$AWS_LAMBDA_RUNTIME_API"
/usr/bin/python3 /var/task/syscalls.py
exit 7
`

// syscalls.py tries what the seccomp filter must refuse and prints errnos.
const syscallsPy = `import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def sc(*args):
    r = libc.syscall(*[ctypes.c_long(a) for a in args])
    return 0 if r >= 0 else ctypes.get_errno()
nr = lambda name: int(os.environ["NR_" + name])
print("clone_newuser=%d" % sc(nr("CLONE"), 0x10000000 | 17, 0, 0, 0, 0))
print("clone3=%d" % sc(nr("CLONE3"), 0, 0))
print("personality_aslr=%d" % sc(nr("PERSONALITY"), 0x0040000))
print("personality_query=%d" % sc(nr("PERSONALITY"), 0xffffffff))
print("keyctl=%d" % sc(nr("KEYCTL"), 0, 0, 0, 0, 0))
print("getpid=%d" % sc(nr("GETPID")))
if "NR_X32_GETPID" in os.environ:
    print("x32=%d" % sc(nr("X32_GETPID")))
`

func TestSandboxContents(t *testing.T) {
	t.Parallel()
	b := newTestBackend(t, Options{})
	hostDir := t.TempDir() // stands for the Gust data directory
	host, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()

	dir := codeDir(t, probeScript, 0o755)
	if err := os.WriteFile(filepath.Join(dir, "syscalls.py"), []byte(syscallsPy), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"HOST_DIR=" + hostDir,
		"HOST_ADDR=" + host.Addr().String(),
		"AWS_LAMBDA_FUNCTION_NAME=probe",
		"AWS_LAMBDA_RUNTIME_API=wrong:1", // replaced by the backend
		fmt.Sprintf("NR_CLONE=%d", unix.SYS_CLONE),
		fmt.Sprintf("NR_CLONE3=%d", unix.SYS_CLONE3),
		fmt.Sprintf("NR_PERSONALITY=%d", unix.SYS_PERSONALITY),
		fmt.Sprintf("NR_KEYCTL=%d", unix.SYS_KEYCTL),
		fmt.Sprintf("NR_GETPID=%d", unix.SYS_GETPID),
	}
	if nativeSyscalls.x32 {
		env = append(env, fmt.Sprintf("NR_X32_GETPID=%d", 0x40000000|unix.SYS_GETPID))
	}
	id := randomID(t)
	began := time.Now()
	e := create(t, b, sandbox.Spec{ID: id, CodeDir: dir, Env: env, MemoryMB: 256}, "hello from the runtime api")
	created := time.Since(began)
	if err := e.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("Create %v, Start %v", created, time.Since(began)-created)

	if got := e.RuntimeAPIAddr(); got != "127.0.0.1:9001" {
		t.Errorf("RuntimeAPIAddr = %q", got)
	}
	// The limits, read while the environment lives.
	if e.cg.v2 {
		if got := readInt(t, filepath.Join(e.cg.ctrl[ctrlMemory], "memory.max")); got != 256<<20 {
			t.Errorf("memory.max = %d", got)
		}
	} else {
		mem := e.cg.ctrl[ctrlMemory]
		if got := readInt(t, filepath.Join(mem, "memory.limit_in_bytes")); got != 256<<20 {
			t.Errorf("memory.limit_in_bytes = %d", got)
		}
		if got := readInt(t, filepath.Join(mem, "memory.memsw.limit_in_bytes")); got != 256<<20 {
			t.Errorf("memory.memsw.limit_in_bytes = %d, want no swap", got)
		}
		if cpu := e.cg.ctrl[ctrlCPU]; cpu != "" {
			if got := readInt(t, filepath.Join(cpu, "cpu.shares")); got != 256*1024/1769 {
				t.Errorf("cpu.shares = %d", got)
			}
		}
	}
	if got := readInt(t, filepath.Join(e.cg.ctrl[ctrlPids], "pids.max")); got != DefaultPidsMax {
		t.Errorf("pids.max = %d", got)
	}

	st := e.waitExit(t, 20*time.Second)
	if st != (sandbox.ExitStatus{Code: 7}) {
		t.Errorf("exit status = %+v, want code 7", st)
	}
	out := e.finish(t)
	if e.MaxMemoryBytes() <= 0 {
		t.Errorf("MaxMemoryBytes = %d", e.MaxMemoryBytes())
	}
	got := fields(out)
	want := map[string]string{
		"uid": "993", "gid": "990", "groups": "990", "whoami": "sbx_user1051",
		"pid": "1", "pid1": "/bin/sh /var/task/bootstrap ", "cwd": "/var/task",
		"taskwrite": "no", "rootwrite": "no", "usrwrite": "no", "etcwrite": "no",
		"tmpwrite": "yes", "shmwrite": "yes", "devnull": "yes",
		"shadow": "no", "root": "no", "home": "no", "sys": "no", "hostdir": "no", "certs": "yes",
		"passwd":   "root sbx_user1051 nobody ",
		"hostname": id,
		"api":      "hello from the runtime api",
		"host":     "unreachable",
		"opt":      "0",
		"mount":    "no", "unshare": "no",
		"nofile": "1024", "nnp": "1", "seccomp": "2", "capeff": "0000000000000000",
		"homeenv": "unset",
		"fn":      "probe", "apienv": "127.0.0.1:9001",
		"clone_newuser":     strconv.Itoa(int(unix.EPERM)),
		"clone3":            strconv.Itoa(int(unix.ENOSYS)),
		"personality_aslr":  strconv.Itoa(int(unix.EPERM)),
		"personality_query": "0",
		"keyctl":            strconv.Itoa(int(unix.EPERM)),
		"getpid":            "0",
	}
	if nativeSyscalls.x32 {
		want["x32"] = strconv.Itoa(int(unix.EPERM))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if n, _ := strconv.Atoi(got["procs"]); n < 1 || n > 4 {
		t.Errorf("the sandbox sees %s processes; want only its own", got["procs"])
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

func TestEnvironmentsAreSeparate(t *testing.T) {
	t.Parallel()
	b := newTestBackend(t, Options{})
	script := `#!/bin/sh
echo "api=$(curl -s -m 5 http://127.0.0.1:9001/)"
echo "ns=$(readlink /proc/self/ns/net)"
sleep 60
`
	envs := map[string]*testEnv{}
	for _, name := range []string{"first", "second"} {
		e := create(t, b, sandbox.Spec{CodeDir: codeDir(t, script, 0o755)}, "served to "+name)
		if err := e.Start(); err != nil {
			t.Fatal(err)
		}
		envs[name] = e
	}
	for name, e := range envs {
		e.out.waitFor(t, "ns=", 10*time.Second)
		if got := fields(e.out.String())["api"]; got != "served to "+name {
			t.Errorf("%s environment reached %q, want its own Runtime API", name, got)
		}
	}
	if a, b := fields(envs["first"].out.String())["ns"], fields(envs["second"].out.String())["ns"]; a == b {
		t.Errorf("both environments are in network namespace %s", a)
	}
}

func TestOutOfMemory(t *testing.T) {
	t.Parallel()
	b := newTestBackend(t, Options{})
	script := `#!/bin/sh
/usr/bin/python3 -c 'a = b"x" * (300 << 20)'
echo "hog=$?"
`
	e := create(t, b, sandbox.Spec{CodeDir: codeDir(t, script, 0o755), MemoryMB: 128}, "")
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	st := e.waitExit(t, 20*time.Second)
	// Read from the live cgroup, then from the last reading Destroy keeps.
	for _, when := range []string{"before Destroy", "after Destroy"} {
		if n := e.OOMKills(); n < 1 {
			t.Errorf("%s: OOMKills = %d, want ≥ 1", when, n)
		}
		if peak := e.MaxMemoryBytes(); peak < 100<<20 || peak > 128<<20 {
			t.Errorf("%s: MaxMemoryBytes = %d, want close to the 128 MB limit", when, peak)
		}
		if when == "before Destroy" {
			e.finish(t)
		}
	}
	out := e.out.String()
	if st.Code != 0 {
		t.Errorf("bootstrap exit = %+v; output:\n%s", st, out)
	}
	if got := fields(out)["hog"]; got != "137" {
		t.Errorf("memory hog exited %q, want 137 (SIGKILL); output:\n%s", got, out)
	}
}

func TestForkBombIsContained(t *testing.T) {
	t.Parallel()
	const pidsMax = 64
	b := newTestBackend(t, Options{PidsMax: pidsMax})
	script := `#!/bin/bash
echo bombing
:(){ :|:& };:
exec sleep 1000 # PID 1 must outlive the bomb, which dies with it
`
	e := create(t, b, sandbox.Spec{CodeDir: codeDir(t, script, 0o755)}, "")
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	pids := e.cg.ctrl[ctrlPids]
	events := "pids.events"
	deadline := time.Now().Add(10 * time.Second)
	for {
		data, _ := os.ReadFile(filepath.Join(pids, events))
		if f := strings.Fields(string(data)); len(f) == 2 && f[0] == "max" && f[1] != "0" {
			break // the limit refused a fork
		}
		if time.Now().After(deadline) {
			t.Fatalf("pids.max was never reached: %s; output:\n%s", data, e.out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := readInt(t, filepath.Join(pids, "pids.current")); n > pidsMax {
		t.Errorf("pids.current = %d > pids.max %d", n, pidsMax)
	}
	if err := exec.Command("/bin/true").Run(); err != nil {
		t.Errorf("the host cannot start a process during the fork bomb: %v", err)
	}
	began := time.Now()
	if err := e.Destroy(); err != nil {
		t.Fatal(err)
	}
	t.Logf("Destroy of a fork bomb took %v", time.Since(began))
	if st := e.ExitStatus(); st.Signal != "killed" {
		t.Errorf("exit status = %+v, want killed", st)
	}
}

func TestDestroyKillsEverything(t *testing.T) {
	t.Parallel()
	b := newTestBackend(t, Options{})
	script := `#!/bin/sh
sleep 1000 &
setsid sleep 1000 &
(trap '' TERM HUP INT; sleep 1000) &
nohup sleep 1000 >/dev/null 2>&1 &
echo ready
wait
`
	e := create(t, b, sandbox.Spec{CodeDir: codeDir(t, script, 0o755)}, "")
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	e.out.waitFor(t, "ready", 10*time.Second)
	var procs []int
	for deadline := time.Now().Add(5 * time.Second); len(procs) < 5 && time.Now().Before(deadline); {
		procs = e.cg.procs()
		time.Sleep(5 * time.Millisecond)
	}
	if len(procs) < 5 {
		t.Fatalf("expected the bootstrap and 4 sleeps in the cgroup, found %v", procs)
	}
	dirs := e.cg.dirs
	if err := e.Destroy(); err != nil {
		t.Fatal(err)
	}
	if err := e.Destroy(); err != nil {
		t.Fatalf("second Destroy: %v", err)
	}
	select {
	case <-e.Exited():
	default:
		t.Fatal("Exited not closed after Destroy")
	}
	if st := e.ExitStatus(); st != (sandbox.ExitStatus{Code: -1, Signal: "killed"}) {
		t.Errorf("exit status = %+v", st)
	}
	for _, pid := range procs {
		if err := unix.Kill(pid, 0); !errors.Is(err, unix.ESRCH) {
			t.Errorf("process %d survived Destroy (%v)", pid, err)
		}
	}
	for _, d := range dirs {
		if _, err := os.Stat(d); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("cgroup %s survived Destroy", d)
		}
	}
	if err := e.Start(); err == nil {
		t.Error("Start after Destroy succeeded")
	}
}

func TestInvalidEntrypoint(t *testing.T) {
	t.Parallel()
	b := newTestBackend(t, Options{})
	for _, tc := range []struct {
		name    string
		command string
		mode    os.FileMode
		is      error
	}{
		{"missing", "/var/task/missing", 0o755, fs.ErrNotExist},
		{"not executable", "/var/task/bootstrap", 0o644, fs.ErrPermission},
		{"directory", "/var/task", 0o755, unix.EISDIR},
		{"not in PATH", "no-such-command", 0o755, fs.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := create(t, b, sandbox.Spec{CodeDir: codeDir(t, "#!/bin/sh\n", tc.mode), Command: []string{tc.command}}, "")
			err := e.Start()
			if !errors.Is(err, sandbox.ErrInvalidEntrypoint) || !errors.Is(err, tc.is) {
				t.Fatalf("Start = %v, want ErrInvalidEntrypoint and %v", err, tc.is)
			}
			var ie *sandbox.InitError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.command) {
				t.Errorf("error %q does not name %s", err, tc.command)
			}
			t.Logf("Start: %v", err)
			if st := e.waitExit(t, 5*time.Second); st.Code != 127 {
				t.Errorf("init exit = %+v, want 127", st)
			}
		})
	}
}

func TestCreateFailsClearly(t *testing.T) {
	t.Parallel()
	b := newTestBackend(t, Options{})
	_, err := b.Create(context.Background(), sandbox.Spec{
		ID: randomID(t), CodeDir: "/nonexistent/code", Command: []string{"/var/task/bootstrap"}, MemoryMB: 128, TmpMB: 64,
	})
	var ie *sandbox.InitError
	if !errors.As(err, &ie) || ie.Step != "mounting /var/task" || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Create = %v, want an InitError mounting /var/task", err)
	}
	t.Logf("Create: %v", err)
	if _, err := b.Create(context.Background(), sandbox.Spec{ID: "Bad ID"}); err == nil {
		t.Error("Create accepted an invalid spec")
	}
}

func TestDestroyBeforeStart(t *testing.T) {
	t.Parallel()
	b := newTestBackend(t, Options{})
	e := create(t, b, sandbox.Spec{CodeDir: codeDir(t, "#!/bin/sh\necho ran\n", 0o755)}, "")
	if err := e.Destroy(); err != nil {
		t.Fatal(err)
	}
	e.waitExit(t, 5*time.Second)
	if strings.Contains(e.out.String(), "ran") {
		t.Error("the bootstrap ran without Start")
	}
}

func TestListenInside(t *testing.T) {
	t.Parallel()
	b := newTestBackend(t, Options{})
	script := `#!/bin/sh
echo "gust=$(curl -s -m 5 http://127.0.0.1:9000/)"
`
	e := create(t, b, sandbox.Spec{CodeDir: codeDir(t, script, 0o755)}, "")
	ln, err := e.ListenInside("127.0.0.1:9000")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "gust api")
	})}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln)
	}()
	defer func() { _ = srv.Close(); <-served }()
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	e.waitExit(t, 10*time.Second)
	if got := fields(e.finish(t))["gust"]; got != "gust api" {
		t.Errorf("inside listener answered %q", got)
	}
}

// fakeUplink serves HTTP inside the namespace it is given (proving it is
// the environment's own) and records how its attachment is closed.
type fakeUplink struct {
	exited        func() bool // whether the environment's processes are gone
	mu            sync.Mutex
	closes        int
	exitedAtClose bool
}

func (u *fakeUplink) Attach(ns *os.File) (io.Closer, error) {
	ln, err := listenIn(ns, "127.0.0.1:9002")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "uplinked")
	})}
	go func() { _ = srv.Serve(ln) }()
	return closerFunc(func() error {
		u.mu.Lock()
		defer u.mu.Unlock()
		u.closes++
		u.exitedAtClose = u.exited()
		return srv.Close()
	}), nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

func TestAttachUplink(t *testing.T) {
	t.Parallel()
	b := newTestBackend(t, Options{})
	script := `#!/bin/sh
echo "uplink=$(curl -s -m 5 http://127.0.0.1:9002/)"
sleep 60
`
	e := create(t, b, sandbox.Spec{CodeDir: codeDir(t, script, 0o755)}, "")
	u := &fakeUplink{exited: func() bool {
		select {
		case <-e.Exited():
			return true
		default:
			return false
		}
	}}
	if err := e.AttachUplink(u); err != nil {
		t.Fatal(err)
	}
	if err := e.AttachUplink(u); err == nil {
		t.Error("a second AttachUplink succeeded")
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	e.out.waitFor(t, "uplink=", 10*time.Second)
	out := e.finish(t)
	if got := fields(out)["uplink"]; got != "uplinked" {
		t.Errorf("the bootstrap reached %q through the uplink's namespace; output:\n%s", got, out)
	}
	u.mu.Lock()
	if u.closes != 1 || !u.exitedAtClose {
		t.Errorf("attachment closed %d times, after the processes were gone: %v", u.closes, u.exitedAtClose)
	}
	u.mu.Unlock()
	if err := e.AttachUplink(u); err == nil {
		t.Error("AttachUplink after Destroy succeeded")
	}
}

// TestStartupTime reports how long Create and Start take until the
// bootstrap runs.
func TestStartupTime(t *testing.T) {
	t.Parallel()
	b := newTestBackend(t, Options{})
	dir := codeDir(t, "#!/bin/sh\necho ran\n", 0o755)
	const n = 5
	var total time.Duration
	for range n {
		began := time.Now()
		e := create(t, b, sandbox.Spec{CodeDir: dir}, "")
		created := time.Since(began)
		if err := e.Start(); err != nil {
			t.Fatal(err)
		}
		e.out.waitFor(t, "ran", 10*time.Second)
		took := time.Since(began)
		total += took
		t.Logf("Create %v, until the bootstrap ran %v", created, took)
		destroyed := time.Now()
		if err := e.Destroy(); err != nil {
			t.Fatal(err)
		}
		t.Logf("Destroy %v", time.Since(destroyed))
	}
	t.Logf("mean Create+Start until the bootstrap runs: %v", total/n)
}

// TestServerCrashKillsSandboxes kills a process that owns a sandbox with
// SIGKILL, as a crash would, and checks the sandbox dies with it (the
// init's parent-death signal).
func TestServerCrashKillsSandboxes(t *testing.T) {
	t.Parallel()
	b := newTestBackend(t, Options{})
	helper := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$")
	helper.Env = append(os.Environ(), "GUST_TEST_CRASH_HELPER="+b.opts.CgroupParent)
	stdout, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	helper.Stderr = tWriter{t}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = helper.Process.Kill(); _ = helper.Wait() }()

	got := map[string]string{}
	buf := make([]byte, 4096)
	var out string
	deadline := time.Now().Add(10 * time.Second)
	for got["dirs"] == "" && time.Now().Before(deadline) {
		n, err := stdout.Read(buf)
		out += string(buf[:n])
		got = fields(out)
		if err != nil {
			break
		}
	}
	pid, err := strconv.Atoi(got["pid"])
	if err != nil || got["dirs"] == "" {
		t.Fatalf("helper said %q", out)
	}
	if !running(pid) {
		t.Fatalf("sandbox %d is not running before the crash", pid)
	}
	_ = helper.Process.Kill()
	_ = helper.Wait()
	for deadline := time.Now().Add(5 * time.Second); running(pid); {
		if time.Now().After(deadline) {
			t.Fatalf("sandbox %d survived its server", pid)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// What a crash leaves behind: empty cgroups.
	cg := &envCgroup{dirs: strings.Split(got["dirs"], ",")}
	if err := cg.kill(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	if err := cg.remove(5 * time.Second); err != nil {
		t.Fatal(err)
	}
}

// TestCrashHelper is the server of TestServerCrashKillsSandboxes.
func TestCrashHelper(t *testing.T) {
	parent := os.Getenv("GUST_TEST_CRASH_HELPER")
	if parent == "" {
		t.Skip("helper process for TestServerCrashKillsSandboxes")
	}
	b, err := New(Options{CgroupParent: parent})
	if err != nil {
		t.Fatal(err)
	}
	inst, err := b.Create(context.Background(), sandbox.Spec{
		ID: randomID(t), CodeDir: codeDir(t, "#!/bin/sh\nexec sleep 1000\n", 0o755), Command: []string{"/var/task/bootstrap"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := inst.Start(); err != nil {
		t.Fatal(err)
	}
	i := inst.(*instance)
	fmt.Printf("pid=%d\ndirs=%s\n", i.cmd.Process.Pid, strings.Join(i.cg.dirs, ","))
	select {} // until killed
}

// running reports whether pid runs; a zombie waiting for its reaper does not.
func running(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

// TestManyAtOnce starts environments concurrently, as a burst of cold
// starts would, and checks each ran and was cleaned up.
func TestManyAtOnce(t *testing.T) {
	t.Parallel()
	b := newTestBackend(t, Options{})
	dir := codeDir(t, "#!/bin/sh\necho \"id=$(hostname)\"\n", 0o755)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	began := time.Now()
	for range n {
		wg.Go(func() {
			out := &syncBuffer{}
			id := randomID(t)
			inst, err := b.Create(context.Background(), sandbox.Spec{
				ID: id, CodeDir: dir, Command: []string{"/var/task/bootstrap"}, Env: []string{"PATH=/usr/bin:/bin"}, Stdout: out,
			})
			if err != nil {
				errs <- err
				return
			}
			if err := inst.Start(); err != nil {
				errs <- err
				_ = inst.Destroy()
				return
			}
			select {
			case <-inst.Exited():
			case <-time.After(20 * time.Second):
				errs <- fmt.Errorf("%s did not exit", id)
			}
			if err := inst.Destroy(); err != nil {
				errs <- err
			}
			if got := out.String(); got != "id="+id+"\n" {
				errs <- fmt.Errorf("%s printed %q", id, got)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d environments created, run and destroyed concurrently in %v", n, time.Since(began))
}
