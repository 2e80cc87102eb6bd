package linuxns

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// syscallTable is what the filter needs to know about one architecture.
// Each GOARCH supplies it in seccomp_<arch>.go.
type syscallTable struct {
	auditArch   uint32
	x32         bool      // x86-64: also refuse the x32 ABI (numbers with bit 30 set)
	denied      []uintptr // answered with EPERM
	clone       uintptr   // refused when asking for new namespaces
	clone3      uintptr   // answered with ENOSYS, so libcs fall back to clone
	personality uintptr   // only the harmless personas are allowed
}

// Namespace flags clone may not ask for; they would undo the blocks on
// unshare and setns.
const cloneNamespaceFlags = unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP | unix.CLONE_NEWUTS |
	unix.CLONE_NEWIPC | unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET

// Personas a process may switch to (Docker's list): the default Linux one,
// PER_LINUX32, UNAME26 with and without it, and 0xffffffff, which only
// queries. Others, such as ADDR_NO_RANDOMIZE, are refused.
var allowedPersonalities = []uint32{0x0, 0x8, 0x20000, 0x20008, 0xffffffff}

// Offsets into struct seccomp_data.
const (
	offNr        = 0
	offArch      = 4
	offArg0Lower = 16 // args[0], low 32 bits on little-endian amd64 and arm64
)

// seccompFilter builds the sandbox's filter: a deny list that answers
// EPERM for syscalls that administer the machine or escape the sandbox,
// and allows everything else. Calls from a foreign ABI (32-bit x86 on
// x86-64, AArch32 on arm64, x32) are refused outright, as the list's
// numbers would not apply to them.
func seccompFilter() ([]unix.SockFilter, error) {
	t := nativeSyscalls
	if t == nil {
		return nil, fmt.Errorf("no seccomp syscall table for this architecture: %w", errors.ErrUnsupported)
	}
	var a bpfAsm
	a.stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, offArch)
	a.jump(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, t.auditArch, "", "deny")
	a.stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, offNr)
	if t.x32 {
		a.jump(unix.BPF_JMP|unix.BPF_JGE|unix.BPF_K, 0x40000000, "deny", "")
	}
	a.jump(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, uint32(t.clone), "clone", "")
	a.jump(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, uint32(t.clone3), "enosys", "")
	a.jump(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, uint32(t.personality), "personality", "")
	for _, nr := range t.denied {
		a.jump(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, uint32(nr), "deny", "")
	}
	a.stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ALLOW)

	a.label("clone")
	a.stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, offArg0Lower)
	a.jump(unix.BPF_JMP|unix.BPF_JSET|unix.BPF_K, cloneNamespaceFlags, "deny", "")
	a.stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ALLOW)

	a.label("personality")
	a.stmt(unix.BPF_LD|unix.BPF_W|unix.BPF_ABS, offArg0Lower)
	for _, p := range allowedPersonalities {
		a.jump(unix.BPF_JMP|unix.BPF_JEQ|unix.BPF_K, p, "allow", "")
	}
	a.stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ERRNO|uint32(unix.EPERM))

	a.label("allow")
	a.stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ALLOW)
	a.label("enosys")
	a.stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ERRNO|uint32(unix.ENOSYS))
	a.label("deny")
	a.stmt(unix.BPF_RET|unix.BPF_K, unix.SECCOMP_RET_ERRNO|uint32(unix.EPERM))
	return a.assemble()
}

// installSeccomp sets no_new_privs and loads the filter into every thread
// of the process (TSYNC), so no thread escapes it.
func installSeccomp(prog []unix.SockFilter) error {
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	r, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&fprog)))
	switch {
	case errno != 0:
		return fmt.Errorf("seccomp(SET_MODE_FILTER): %w", errno)
	case r != 0:
		return fmt.Errorf("seccomp(SET_MODE_FILTER): thread %d could not be synchronised", r)
	}
	return nil
}

// bpfAsm assembles classic BPF with symbolic forward jumps.
type bpfAsm struct {
	ins    []unix.SockFilter
	labels map[string]int
	fixes  []bpfFix
}

type bpfFix struct {
	at     int
	jt, jf string
}

func (a *bpfAsm) stmt(code uint16, k uint32) {
	a.ins = append(a.ins, unix.SockFilter{Code: code, K: k})
}

// jump adds a conditional jump; "" means the next instruction.
func (a *bpfAsm) jump(code uint16, k uint32, jt, jf string) {
	a.fixes = append(a.fixes, bpfFix{at: len(a.ins), jt: jt, jf: jf})
	a.stmt(code, k)
}

func (a *bpfAsm) label(name string) {
	if a.labels == nil {
		a.labels = map[string]int{}
	}
	a.labels[name] = len(a.ins)
}

func (a *bpfAsm) assemble() ([]unix.SockFilter, error) {
	offset := func(at int, label string) (uint8, error) {
		if label == "" {
			return 0, nil
		}
		target, ok := a.labels[label]
		d := target - at - 1
		if !ok || d < 0 || d > 255 {
			return 0, fmt.Errorf("seccomp filter: bad jump from %d to %q", at, label)
		}
		return uint8(d), nil
	}
	for _, f := range a.fixes {
		jt, err := offset(f.at, f.jt)
		if err != nil {
			return nil, err
		}
		jf, err := offset(f.at, f.jf)
		if err != nil {
			return nil, err
		}
		a.ins[f.at].Jt, a.ins[f.at].Jf = jt, jf
	}
	if len(a.ins) > unix.BPF_MAXINSNS {
		return nil, errors.New("seccomp filter: too long")
	}
	return a.ins, nil
}
