//go:build linux && (amd64 || arm64)

package linuxns

import "golang.org/x/sys/unix"

// commonDenied are the syscalls refused on every architecture. The names
// are the same everywhere; x/sys/unix gives each GOARCH its own numbers.
var commonDenied = []uintptr{
	// Mounting, in both the old and the new mount API.
	unix.SYS_MOUNT, unix.SYS_UMOUNT2, unix.SYS_PIVOT_ROOT,
	unix.SYS_FSOPEN, unix.SYS_FSCONFIG, unix.SYS_FSMOUNT, unix.SYS_FSPICK,
	unix.SYS_MOVE_MOUNT, unix.SYS_OPEN_TREE, unix.SYS_MOUNT_SETATTR,
	// Leaving or making namespaces (clone's flags are checked separately).
	unix.SYS_UNSHARE, unix.SYS_SETNS,
	// Other processes and the kernel.
	unix.SYS_PTRACE, unix.SYS_KEXEC_LOAD, unix.SYS_KEXEC_FILE_LOAD, unix.SYS_BPF,
	unix.SYS_INIT_MODULE, unix.SYS_FINIT_MODULE, unix.SYS_DELETE_MODULE,
	unix.SYS_REBOOT, unix.SYS_SWAPON, unix.SYS_SWAPOFF, unix.SYS_ACCT,
	unix.SYS_PERF_EVENT_OPEN, unix.SYS_OPEN_BY_HANDLE_AT, unix.SYS_USERFAULTFD,
	unix.SYS_QUOTACTL, unix.SYS_NFSSERVCTL, unix.SYS_LOOKUP_DCOOKIE, unix.SYS_VHANGUP,
	// The kernel keyring is not namespaced.
	unix.SYS_KEYCTL, unix.SYS_ADD_KEY, unix.SYS_REQUEST_KEY,
	// The clock is the host's.
	unix.SYS_SETTIMEOFDAY, unix.SYS_CLOCK_SETTIME,
	// The host's kernel log.
	unix.SYS_SYSLOG,
	// io_uring: a large kernel attack surface, which Docker's default
	// profile refuses too; libuv (Node.js) falls back to its thread pool.
	unix.SYS_IO_URING_SETUP, unix.SYS_IO_URING_ENTER, unix.SYS_IO_URING_REGISTER,
}
