package process

import "syscall"

// sysProcAttr: a session of its own, and Pdeathsig, so that a crashed
// server does not leave functions running.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL}
}
