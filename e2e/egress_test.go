package e2e

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/google/nftables"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"gust/internal/egress"
	"gust/internal/gusttest"
	"gust/internal/netns"
)

// TestOutboundFull runs gust server --outbound full against a fake
// internet the test builds: a network namespace of its own behind a veth
// pair, 198.51.100.1 (the host) to 198.51.100.2 (the "internet", TEST-NET-2,
// where an HTTP server answers with the address it saw). Functions reach
// it through NAT; they reach neither each other nor the host; Gust's API
// still answers inside. Then the host is left clean, after a graceful stop
// and after a crash.
//
// Full egress is host-wide (one such server per host, one table, one link
// prefix), and so is the fake internet's address range: the subtests run
// one after another, under a host-wide lock that keeps this test of other
// test processes (other worktrees) out meanwhile.
func TestOutboundFull(t *testing.T) {
	lockHostForEgressTest(t)
	forwardingBefore := readForwarding(t)
	inet := startFakeInternet(t)

	t.Run("reach", func(t *testing.T) {
		srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "namespace", "--outbound", "full", "--listen", inet.host + ":0"}})
		c := srv.Lambda()
		waitPooled(t, srv, "provided", 1)
		timeout := func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(20) }
		createFunction(t, c, "fetcher", goFunctionZip(t), timeout)

		// Out through NAT: the internet sees the host's address on its
		// link, not the environment's.
		var got struct {
			Status int
			Body   string
		}
		invokeJSON(t, c, "fetcher", map[string]any{"action": "fetch", "arg": inet.url}, &got)
		seen, _, _ := net.SplitHostPort(got.Body)
		if got.Status != 200 || seen != inet.host {
			t.Errorf("fetching %s from a function: %+v; want the source NAT'd to %s", inet.url, got, inet.host)
		}
		if taken := poolSample(t, srv, "gust_pooled_environments_taken_total", "provided", ""); taken != 1 {
			t.Errorf("the fetching environment was not a pooled one: %v taken from the provided pool", taken)
		}
		fetcher := netInfoOf(t, c, "fetcher")
		if !egress.DefaultCIDR.Contains(fetcher.addr.Addr()) || fetcher.addr.Bits() != 31 || fetcher.addr.Addr().String() == seen {
			t.Errorf("environment address %s: want a /31 of %s, hidden from the internet (which saw %s)", fetcher.addr, egress.DefaultCIDR, seen)
		}

		// Gust's API still answers inside, at 127.0.0.1:9000.
		createFunction(t, c, "target", goFunctionZip(t))
		var call callResult
		invokeJSON(t, c, "fetcher", map[string]any{"action": "call", "arg": "target", "payload": map[string]any{"action": "echo", "arg": "full"}}, &call)
		if call.Status != 200 || call.Payload.Arg != "full" || call.Endpoint != "http://127.0.0.1:9000" {
			t.Errorf("calling Gust from inside: %+v", call)
		}

		// Another environment listens on its address: the host reaches it
		// (the listener is there), another environment does not.
		createFunction(t, c, "listener", goFunctionZip(t))
		var port int
		invokeJSON(t, c, "listener", map[string]any{"action": "listen"}, &port)
		listener := netInfoOf(t, c, "listener")
		if listener.addr == fetcher.addr {
			t.Fatalf("two environments share the address %s", listener.addr)
		}
		envListener := netip.AddrPortFrom(listener.addr.Addr(), uint16(port)).String()
		if err := dial(envListener); err != nil {
			t.Fatalf("the host cannot reach the listening environment at %s: %v", envListener, err)
		}

		// The host's services: a listener on the host's end of the
		// fetcher's own link, and Gust's API port on the host's address
		// on the internet link, which the internet reaches.
		onLink, err := net.Listen("tcp4", fetcher.gateway.String()+":0")
		if err != nil {
			t.Fatal(err)
		}
		defer onLink.Close()
		if err := dial(onLink.Addr().String()); err != nil {
			t.Fatalf("the host cannot reach its own listener at %s: %v", onLink.Addr(), err)
		}
		gustPort := strings.TrimPrefix(srv.Endpoint, "http://")
		if err := inet.dial(gustPort); err != nil {
			t.Fatalf("the internet cannot reach Gust's port %s: %v", gustPort, err)
		}
		// Link-local addresses (metadata services), reachable from the
		// host but not from functions.
		if err := dial(inet.linkLocal); err != nil {
			t.Fatalf("the host cannot reach %s: %v", inet.linkLocal, err)
		}

		for addr, want := range map[string]bool{
			envListener:            false, // another environment
			onLink.Addr().String(): false, // the host's end of its own link
			gustPort:               false, // the host's Gust port, on another address of the host
			inet.linkLocal:         false, // link-local
			"127.0.0.1:9000":       true,  // its own Gust endpoint
			inet.addr:              true,  // the internet
		} {
			var p probeResult
			invokeJSON(t, c, "fetcher", map[string]any{"action": "probe", "arg": addr}, &p)
			if p.Dialed != want {
				t.Errorf("dialing %s from a function: %v, want %v", addr, p.Dialed, want)
			}
		}

		// One full-egress server per host.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		second := exec.CommandContext(ctx, gusttest.Binary(t), "server", "--listen", "127.0.0.1:0", "--data-dir", t.TempDir(), "--isolation", "namespace", "--outbound", "full")
		second.Env = []string{"PATH=" + os.Getenv("PATH"), "GUST_ACCESS_KEY_ID=" + gusttest.AccessKeyID, "GUST_SECRET_ACCESS_KEY=" + gusttest.SecretAccessKey}
		second.WaitDelay = time.Second
		out, err := second.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "another gust server with full outbound runs on this host") {
			t.Errorf("a second full-egress server: %v\n%s", err, out)
		}

		if !readForwarding(t) {
			t.Error("net.ipv4.ip_forward is off while a full-outbound server runs")
		}
		if n := len(egressLinks(t)); n < 2 {
			t.Errorf("%d links with prefix %s while environments run", n, egress.LinkPrefix)
		}
		srv.Stop()
		assertHostClean(t, forwardingBefore)
	})

	t.Run("crash", func(t *testing.T) {
		srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "namespace", "--outbound", "full", "--pool-min", "0"}})
		c := srv.Lambda()
		createFunction(t, c, "fetcher", goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(20) })
		var got struct{ Body string }
		invokeJSON(t, c, "fetcher", map[string]any{"action": "fetch", "arg": inet.url}, &got)
		if n := len(egressLinks(t)); n != 1 {
			t.Errorf("%d links with prefix %s for one environment", n, egress.LinkPrefix)
		}
		srv.Kill()
		if !gustTableExists(t) {
			t.Fatal("the table vanished with a killed server; nothing left to test")
		}
		// What a crash may leave: a link (the kernel deletes the killed
		// environment's with its namespace, in its own time; this one has
		// no namespace to die with) and a table the next start replaces.
		leftover := fmt.Sprintf("%s%d", egress.LinkPrefix, 32767)
		run(t, "ip", "link", "add", leftover, "type", "veth", "peer", "name", fmt.Sprintf("gtl%d", os.Getpid()))
		t.Cleanup(func() { _ = exec.Command("ip", "link", "del", leftover).Run() })
		conn, err := nftables.New()
		if err != nil {
			t.Fatal(err)
		}
		conn.AddChain(&nftables.Chain{Name: "left_by_a_crash", Table: &nftables.Table{Name: egress.TableName, Family: nftables.TableFamilyINet}})
		if err := conn.Flush(); err != nil {
			t.Fatal(err)
		}

		srv.Start()
		if links := egressLinks(t); len(links) != 0 {
			t.Errorf("links left after a restart without environments: %v", links)
		}
		if chainExists(t, "left_by_a_crash") || !chainExists(t, "forward") {
			t.Error("the table was not replaced at start")
		}
		invokeJSON(t, srv.Lambda(), "fetcher", map[string]any{"action": "fetch", "arg": inet.url}, &got)
		if seen, _, _ := net.SplitHostPort(got.Body); seen != inet.host {
			t.Errorf("fetching after a restart: %+v", got)
		}
		if n := len(egressLinks(t)); n != 1 {
			t.Errorf("%d links with prefix %s for one environment after a restart", n, egress.LinkPrefix)
		}
		srv.Stop()
		assertHostClean(t, forwardingBefore)
	})
}

// assertHostClean checks what a gracefully stopped full-egress server must
// leave: no links with the prefix, no table, forwarding as it was.
func assertHostClean(t *testing.T, forwardingBefore bool) {
	t.Helper()
	if links := egressLinks(t); len(links) != 0 {
		t.Errorf("links left after a graceful stop: %v", links)
	}
	if gustTableExists(t) {
		t.Errorf("table inet %s left after a graceful stop", egress.TableName)
	}
	if f := readForwarding(t); f != forwardingBefore {
		t.Errorf("net.ipv4.ip_forward is %v after a graceful stop, was %v before", f, forwardingBefore)
	}
}

type envNet struct {
	addr    netip.Prefix // eth0's
	gateway netip.Addr   // the default route's
}

// netInfoOf asks a function for its eth0 address and default gateway.
func netInfoOf(t *testing.T, c *lambda.Client, fn string) envNet {
	t.Helper()
	var ni struct {
		Addrs   map[string][]string
		Gateway string
	}
	invokeJSON(t, c, fn, map[string]any{"action": "netinfo"}, &ni)
	var n envNet
	for _, a := range ni.Addrs[egress.EnvLink] {
		if p, err := netip.ParsePrefix(a); err == nil && p.Addr().Is4() {
			n.addr = p
		}
	}
	gw, err := netip.ParseAddr(ni.Gateway)
	if err != nil || !n.addr.IsValid() {
		t.Fatalf("%s's network: %+v", fn, ni)
	}
	n.gateway = gw
	return n
}

// fakeInternet is a network namespace behind a veth pair from the host.
type fakeInternet struct {
	ns        *os.File
	host      string // the host's address on the link
	addr      string // the HTTP server, host:port
	url       string
	linkLocal string // the HTTP server at a link-local address
}

// startFakeInternet builds the namespace with iproute2 and serves HTTP in
// it from this process; the handler answers with the client's address.
func startFakeInternet(t *testing.T) *fakeInternet {
	t.Helper()
	const host, far = "198.51.100.1", "198.51.100.2"
	const hostLL, farLL = "169.254.77.1", "169.254.77.2" // a /30: nothing else of the host's link-local range
	for _, a := range hostAddrs(t) {
		if strings.HasPrefix(a, "198.51.100.") || strings.HasPrefix(a, "169.254.77.") {
			t.Fatalf("this host already has %s: the fake internet's addresses are taken", a)
		}
	}
	pid := os.Getpid()
	name, hostLink, peer := fmt.Sprintf("gust-inet-%d", pid), fmt.Sprintf("gti%d", pid), fmt.Sprintf("gtp%d", pid)
	run(t, "ip", "netns", "add", name)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	run(t, "ip", "link", "add", hostLink, "type", "veth", "peer", "name", peer, "netns", name)
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", hostLink).Run() })
	run(t, "ip", "addr", "add", host+"/24", "dev", hostLink)
	run(t, "ip", "addr", "add", hostLL+"/30", "dev", hostLink)
	run(t, "ip", "link", "set", hostLink, "up")
	run(t, "ip", "-n", name, "addr", "add", far+"/24", "dev", peer)
	run(t, "ip", "-n", name, "addr", "add", farLL+"/30", "dev", peer)
	run(t, "ip", "-n", name, "link", "set", peer, "up")
	run(t, "ip", "-n", name, "link", "set", "lo", "up")

	ns, err := os.Open(filepath.Join("/run/netns", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	inet := &fakeInternet{ns: ns, host: host}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(r.RemoteAddr))
	}), ReadHeaderTimeout: 5 * time.Second}
	for _, a := range []string{far, farLL} {
		var ln net.Listener
		if err := netns.Run(ns, func() (err error) { ln, err = net.Listen("tcp4", a+":0"); return err }); err != nil {
			t.Fatalf("listening in the fake internet: %v", err)
		}
		go func() { _ = srv.Serve(ln) }()
		if a == far {
			inet.addr = ln.Addr().String()
		} else {
			inet.linkLocal = ln.Addr().String()
		}
	}
	t.Cleanup(func() { _ = srv.Close() })
	inet.url = "http://" + inet.addr + "/"
	return inet
}

// dial connects from inside the fake internet.
func (i *fakeInternet) dial(addr string) error {
	return netns.Run(i.ns, func() error { return dial(addr) })
}

func dial(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err == nil {
		c.Close()
	}
	return err
}

// egressLinks names the host's links with Gust's prefix.
func egressLinks(t *testing.T) []string {
	t.Helper()
	links, err := netlink.LinkList()
	if err != nil && !errors.Is(err, netlink.ErrDumpInterrupted) {
		t.Fatal(err)
	}
	var names []string
	for _, l := range links {
		if strings.HasPrefix(l.Attrs().Name, egress.LinkPrefix) {
			names = append(names, l.Attrs().Name)
		}
	}
	return names
}

func hostAddrs(t *testing.T) []string {
	t.Helper()
	addrs, err := netlink.AddrList(nil, netlink.FAMILY_V4)
	if err != nil && !errors.Is(err, netlink.ErrDumpInterrupted) {
		t.Fatal(err)
	}
	var out []string
	for _, a := range addrs {
		out = append(out, a.IP.String())
	}
	return out
}

func gustTableExists(t *testing.T) bool {
	t.Helper()
	conn, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.ListTableOfFamily(egress.TableName, nftables.TableFamilyINet)
	return err == nil
}

func chainExists(t *testing.T, name string) bool {
	t.Helper()
	conn, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.ListChain(&nftables.Table{Name: egress.TableName, Family: nftables.TableFamilyINet}, name)
	return err == nil
}

func readForwarding(t *testing.T) bool {
	t.Helper()
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b)) == "1"
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// lockHostForEgressTest waits for other test processes on this host that
// run a full-egress server or a fake internet, and holds them off until
// the test ends.
func lockHostForEgressTest(t testing.TB) {
	t.Helper()
	const path = "/run/gust-test/egress.lock"
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() }) // registered first: released last
	deadline := time.Now().Add(10 * time.Minute)
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return
		}
		if !errors.Is(err, unix.EWOULDBLOCK) || time.Now().After(deadline) {
			t.Fatalf("locking %s: %v", path, err)
		}
		time.Sleep(100 * time.Millisecond) // another process's test holds the host
	}
}
