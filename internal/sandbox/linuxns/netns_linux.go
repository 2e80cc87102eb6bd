package linuxns

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"

	"gust/internal/netns"
)

// newNetns makes a network namespace with loopback up and a listener on
// addr inside it. The namespace lives as long as the returned file (or the
// listener, or a process in it) does.
func newNetns(addr string) (*os.File, net.Listener, error) {
	var ln net.Listener
	ns, err := netns.New(func() error {
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
		return nil, nil, err // New closed the namespace
	}
	return ns, ln, nil
}

// listenIn listens on addr inside the network namespace ns.
func listenIn(ns *os.File, addr string) (net.Listener, error) {
	var ln net.Listener
	err := netns.Run(ns, func() error {
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
