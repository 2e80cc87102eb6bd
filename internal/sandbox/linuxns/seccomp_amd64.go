//go:build linux

package linuxns

import "golang.org/x/sys/unix"

var nativeSyscalls = &syscallTable{
	auditArch:   unix.AUDIT_ARCH_X86_64,
	x32:         true,
	clone:       unix.SYS_CLONE,
	clone3:      unix.SYS_CLONE3,
	personality: unix.SYS_PERSONALITY,
	denied: append(commonDenied,
		unix.SYS_IOPL, unix.SYS_IOPERM,
		unix.SYS_CREATE_MODULE, unix.SYS_GET_KERNEL_SYMS, unix.SYS_QUERY_MODULE,
		unix.SYS_USELIB, unix.SYS__SYSCTL,
	),
}
