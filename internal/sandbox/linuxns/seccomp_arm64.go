//go:build linux

package linuxns

import "golang.org/x/sys/unix"

var nativeSyscalls = &syscallTable{
	auditArch:   unix.AUDIT_ARCH_AARCH64,
	clone:       unix.SYS_CLONE,
	clone3:      unix.SYS_CLONE3,
	personality: unix.SYS_PERSONALITY,
	denied:      commonDenied,
}
