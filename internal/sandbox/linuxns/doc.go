// Package linuxns runs each Lambda execution environment in a sandbox made
// of Linux namespaces, cgroups and a seccomp filter. It needs root.
//
// # How an environment starts
//
// Create makes a network namespace from the server (on a locked OS thread:
// unshare, bring lo up, listen on 127.0.0.1:9001, return to the server's
// namespace) so the Runtime API listener exists inside it before anything
// runs there. It makes the environment's cgroups, then re-executes the
// server binary (/proc/self/exe) as "gust-sandbox-init" in new mount, PID,
// IPC and UTS namespaces, puts that process in the cgroups and sends it
// its config over a pipe. The init process joins the network namespace,
// builds the root file system, pivots into it, drops to the sandbox user,
// loads the seccomp filter and reports ready. Start tells it to exec the
// bootstrap, which becomes PID 1 of the environment; when it exits the
// kernel kills everything else in the PID namespace. Failures on the init
// side come back as *sandbox.InitError ("sandbox init: mounting /var/task:
// no such file or directory"). Main must call RunInit first thing when
// IsInit reports true; tests that create sandboxes do it in TestMain.
//
// # What the sandbox contains
//
//   - A root tmpfs, read-only once built, with the host's /usr (and /bin,
//     /sbin, /lib, /lib64 as the host has them) read-only, nosuid, nodev.
//   - /etc with only what programs need from the host (resolv.conf,
//     nsswitch.conf, ld.so.cache, certificates, localtime, alternatives,
//     ...) read-only, and its own passwd, group and hosts. Not the host's
//     shadow, passwd or anything else.
//   - /dev with null, zero, full, random, urandom and tty, the fd and std*
//     symlinks and a 64 MB /dev/shm; /proc of its own PID namespace with
//     /proc/sys read-only. No /sys, /root, /home or /run.
//   - /var/task (CodeDir), /opt (OptDir or empty) and /var/runtime
//     (RuntimeDir, if set) read-only; /tmp a private tmpfs of TmpMB.
//   - Its own network namespace holding only lo: 127.0.0.1:9001 is the
//     Runtime API; nothing else, including the internet and the host, is
//     reachable, unless the caller attaches an uplink (AttachUplink; package
//     egress adds an eth0 with a route out). Own IPC and UTS namespaces; the
//     hostname is the spec's ID.
//   - Cgroups: memory limited to MemoryMB with no swap, processes and
//     threads to PidsMax (1024), and a CPU weight proportional to memory
//     (1769 MB is one CPU's worth, as on Lambda; a share, not a quota).
//   - The bootstrap runs as uid 993, gid 990, no supplementary groups, no
//     capabilities, no_new_privs, 1024 open files, and a seccomp filter
//     that refuses (EPERM) mount and the new mount API, umount, pivot_root,
//     unshare, setns, clone with namespace flags, ptrace, bpf, perf events,
//     kexec, modules, reboot, swap, keyrings, clock setting, syslog,
//     io_uring, open_by_handle_at, userfaultfd, iopl/ioperm and unsafe
//     personalities; clone3 answers ENOSYS so libcs fall back to clone.
//     Calls from 32-bit and x32 ABIs are refused.
//
// Cgroups go under Options.CgroupParent inside the server's own cgroup in
// each hierarchy (cgroup v1, or v2 detected at runtime), or under the root
// where that is impossible. On cgroup v2 that is always, unless the server
// runs in the root cgroup: a v2 cgroup holding processes (the server
// itself) cannot hand controllers to children.
//
// If the server dies without destroying its environments (kill -9), each
// environment's PID 1 gets SIGKILL from the kernel (its parent-death
// signal; all sandboxes are forked from one OS thread that lives as long
// as the server), which ends the whole environment. Only its empty cgroup
// directories remain.
//
// # Pooled sandboxes
//
// With CreatePooled, CodeDir is an empty host directory made a shared
// mount; the sandbox's /var/task is its slave (every other mount
// the init places is private). Specialize attaches a read-only clone of a
// function's code on that directory from the host (open_tree,
// mount_setattr, move_mount), which propagates into the sandbox, sets the
// cgroup limits, and before Start can replace the bootstrap's environment
// through the control pipe. No thread of the server enters the sandbox's
// mount namespace.
//
// # What it does not protect against
//
// It is a container, not a virtual machine: every environment shares the
// host's kernel, and a kernel bug reachable through the allowed syscalls
// breaks the isolation. All environments run as the same uid, which is
// harmless only because their namespaces keep them apart. Disk bandwidth
// is not limited. /tmp and /dev/shm are tmpfs: what a function writes
// there counts against its memory limit, unlike on Lambda. The bootstrap
// is PID 1 of its namespace, so it must reap orphaned children and is
// immune to its own signals that it does not handle, unlike on Lambda.
// The host's /usr is shared read-only, so the host's programs and
// libraries are visible (though not its data).
package linuxns
