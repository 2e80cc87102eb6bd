//go:build unix && !linux

package process

import "syscall"

// sysProcAttr: a session of its own. Other Unixes have no Pdeathsig: a
// crashed server's functions keep running until killed.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true}
}
