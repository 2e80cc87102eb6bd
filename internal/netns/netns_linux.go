package netns

import (
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// Run runs fn on an OS thread that has joined the network namespace ns.
func Run(ns *os.File, fn func() error) error {
	_, err := run(ns, fn)
	return err
}

// New makes a network namespace, runs fn in it and returns the namespace's
// file: the namespace lives as long as that file, a socket made in it, or
// a process in it does. On error nothing is left open.
func New(fn func() error) (*os.File, error) {
	return run(nil, fn)
}

// run runs fn in ns, or in a new namespace when ns is nil (whose file it
// then returns).
func run(ns *os.File, fn func() error) (*os.File, error) {
	type result struct {
		ns  *os.File
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := current()
		if err != nil {
			runtime.UnlockOSThread()
			done <- result{err: fmt.Errorf("opening the current network namespace: %w", err)}
			return
		}
		defer orig.Close()

		var created *os.File
		if ns == nil {
			err = unix.Unshare(unix.CLONE_NEWNET)
			if err != nil {
				err = fmt.Errorf("unshare(CLONE_NEWNET): %w", err)
			} else if created, err = current(); err != nil {
				err = fmt.Errorf("opening the new network namespace: %w", err)
			}
		} else if err = unix.Setns(int(ns.Fd()), unix.CLONE_NEWNET); err != nil {
			err = fmt.Errorf("setns(CLONE_NEWNET): %w", err)
		}
		if err == nil {
			err = fn()
		}
		if rerr := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); rerr != nil {
			if created != nil {
				_ = created.Close()
			}
			done <- result{err: fmt.Errorf("returning to the original network namespace: %w", rerr)}
			return // still locked: the runtime retires this thread
		}
		runtime.UnlockOSThread()
		if err != nil && created != nil {
			_ = created.Close()
			created = nil
		}
		done <- result{created, err}
	}()
	r := <-done
	return r.ns, r.err
}

// current opens the calling thread's network namespace.
func current() (*os.File, error) {
	fd, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), "netns"), nil
}
