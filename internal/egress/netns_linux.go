package egress

import (
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// inNetns runs fn on an OS thread that has joined the network namespace
// ns; sockets fn makes stay there. The thread returns to the server's
// namespace afterwards; if it cannot, it is never unlocked, so it dies
// with its goroutine instead of running other goroutines in an
// environment's network. (linuxns does the same for its listeners;
// netlink's own NewHandleAt unlocks the thread even when the return
// fails, hence this.)
func inNetns(ns *os.File, fn func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			done <- fmt.Errorf("opening the current network namespace: %w", err)
			return
		}
		defer orig.Close()
		if err := unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			done <- fmt.Errorf("setns(CLONE_NEWNET): %w", err)
			return
		}
		err = fn()
		if rerr := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); rerr != nil {
			done <- fmt.Errorf("returning to the server's network namespace: %w", rerr)
			return // still locked: the runtime retires this thread
		}
		runtime.UnlockOSThread()
		done <- err
	}()
	return <-done
}
