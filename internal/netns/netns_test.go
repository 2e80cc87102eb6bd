//go:build linux

package netns

import (
	"net"
	"os"
	"runtime"
	"testing"
)

// inode names the network namespace of the calling thread.
func inode(t *testing.T) string {
	t.Helper()
	link, err := os.Readlink("/proc/thread-self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	return link
}

// A new namespace is not the caller's, Run enters it, sockets made there
// stay there, and no thread of the test is left inside it.
func TestNewAndRun(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("root-only test: making network namespaces needs CAP_SYS_ADMIN (./test.sh runs as root)")
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	outside := inode(t)

	var created string
	ns, err := New(func() error { created = inode(t); return nil })
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	if created == outside {
		t.Fatalf("New ran fn in the caller's namespace %s", outside)
	}

	var ln net.Listener
	var inside string
	if err := Run(ns, func() (err error) {
		inside = inode(t)
		ln, err = net.Listen("tcp", "127.0.0.1:0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if inside != created {
		t.Errorf("Run ran in %s, want the new namespace %s", inside, created)
	}
	if inode(t) != outside {
		t.Errorf("the caller's thread moved to %s", inode(t))
	}
	// The listener lives in the new namespace: the caller's loopback does
	// not reach it.
	if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		c.Close()
		t.Errorf("dialled %s from outside the namespace", ln.Addr())
	}
}
