package linuxns

import (
	"fmt"
	"net"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// newNetns makes a network namespace with loopback up and a listener on
// addr inside it. The namespace lives as long as the returned file (or the
// listener, or a process in it) does.
func newNetns(addr string) (*os.File, net.Listener, error) {
	var ln net.Listener
	ns, err := inNetns(nil, func() error {
		if err := loopbackUp(); err != nil {
			return fmt.Errorf("bringing up lo: %w", err)
		}
		var err error
		ln, err = net.Listen("tcp", addr)
		return err
	})
	if err != nil {
		if ln != nil {
			_ = ln.Close()
		}
		if ns != nil {
			_ = ns.Close()
		}
		return nil, nil, err
	}
	return ns, ln, nil
}

// listenIn listens on addr inside the network namespace ns.
func listenIn(ns *os.File, addr string) (net.Listener, error) {
	var ln net.Listener
	_, err := inNetns(ns, func() error {
		var err error
		ln, err = net.Listen("tcp", addr)
		return err
	})
	if err != nil && ln != nil {
		_ = ln.Close()
		ln = nil
	}
	return ln, err
}

// inNetns runs fn on an OS thread that has joined ns, or a new network
// namespace when ns is nil (whose file it then returns). Sockets made by fn
// stay in that namespace. The thread returns to the server's namespace
// afterwards; if it cannot, it is never unlocked, so it dies with its
// goroutine instead of running other goroutines in the wrong network.
func inNetns(ns *os.File, fn func() error) (*os.File, error) {
	type result struct {
		ns  *os.File
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := openNsFile()
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
			} else if created, err = openNsFile(); err != nil {
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
			done <- result{err: fmt.Errorf("returning to the server's network namespace: %w", rerr)}
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

func openNsFile() (*os.File, error) {
	fd, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), "netns"), nil
}

// loopbackUp sets IFF_UP on lo in the calling thread's network namespace;
// the kernel then configures 127.0.0.1 and ::1 on it.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}
