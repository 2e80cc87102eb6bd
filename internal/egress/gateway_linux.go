package egress

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"gust/internal/netns"
)

// Gateway is the host's side of full egress: IPv4 forwarding, Gust's
// nftables table, and one veth pair per environment.
type Gateway struct {
	log     *slog.Logger
	subnets *subnets
	lock    *hostLock
	// ownForwarding: Gust turned forwarding on and turns it off at Close.
	ownForwarding bool

	closeOnce sync.Once
	closeErr  error
}

// Open takes the host for this process (ErrHostBusy if another server
// has it), deletes links a crashed server left, turns IPv4 forwarding on
// and installs Gust's nftables table, replacing any earlier one. Close
// undoes it all.
func Open(o Options) (*Gateway, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	s, err := newSubnets(o.CIDR)
	if err != nil {
		return nil, err
	}
	lock, err := lockHost(LockPath)
	if err != nil {
		return nil, err
	}
	g := &Gateway{log: o.Logger, subnets: s, lock: lock}
	// A note left by a crashed server makes forwarding this Gateway's to
	// undo from now on, even if Open fails below.
	if g.ownForwarding, err = lock.forwardingNoted(); err != nil {
		_ = lock.release()
		return nil, fmt.Errorf("egress: reading %s: %w", LockPath, err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = g.Close()
		}
	}()
	n, err := deleteLinks()
	if err != nil {
		return nil, fmt.Errorf("egress: deleting leftover links: %w", err)
	}
	if n > 0 {
		g.log.Info("egress: deleted links a previous server left", "links", n, "prefix", LinkPrefix)
	}
	if err := checkCIDRFree(o.CIDR); err != nil {
		return nil, err
	}
	if err := g.turnForwardingOn(); err != nil {
		return nil, fmt.Errorf("egress: %w", err)
	}
	if err := installTable(o.CIDR, g.ownForwarding); err != nil {
		return nil, fmt.Errorf("egress: %w", err)
	}
	if conf, err := os.ReadFile("/etc/resolv.conf"); err == nil && onlyLoopbackResolvers(string(conf)) {
		g.log.Warn("egress: /etc/resolv.conf names only loopback nameservers, which environments cannot reach (their loopback is their own): functions cannot resolve names; point it at a resolver on the network")
	}
	g.log.Info("egress: functions reach the network through NAT", "cidr", o.CIDR, "table", "inet "+TableName,
		"forwarding_turned_on", g.ownForwarding)
	ok = true
	return g, nil
}

// turnForwardingOn sets net.ipv4.ip_forward, noting first in the lock
// file when the host did not forward before, so that even after a crash
// the next server knows the setting is Gust's to undo.
func (g *Gateway) turnForwardingOn() error {
	if !g.ownForwarding {
		on, err := forwarding()
		if err != nil {
			return fmt.Errorf("reading net.ipv4.ip_forward: %w", err)
		}
		if on {
			return nil // someone else's: leave it and the forwarding it allows
		}
		if err := g.lock.noteForwarding(true); err != nil {
			return fmt.Errorf("writing %s: %w", LockPath, err)
		}
		g.ownForwarding = true
	}
	if err := setForwarding(true); err != nil {
		return fmt.Errorf("turning on net.ipv4.ip_forward: %w", err)
	}
	return nil
}

// Attach connects an environment's network namespace: a veth pair whose
// host end is <LinkPrefix><subnet> and whose other end is eth0 in netns,
// with the subnet's two addresses and a default route via the host end.
// Closing the result deletes the pair and frees the subnet.
func (g *Gateway) Attach(ns *os.File) (io.Closer, error) {
	began := time.Now()
	i, err := g.subnets.take()
	if err != nil {
		return nil, err
	}
	hostEnd, envEnd := g.subnets.hostEnd(i), g.subnets.envEnd(i)
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: linkName(i)}, PeerName: EnvLink, PeerNamespace: netlink.NsFd(ns.Fd())}
	if err := netlink.LinkAdd(veth); err != nil {
		g.subnets.release(i)
		return nil, fmt.Errorf("egress: adding veth pair %s: %w", veth.Name, err)
	}
	l := &link{g: g, subnet: i, host: veth}
	if err := configure(veth, hostEnd, ns, envEnd); err != nil {
		_ = l.Close()
		return nil, fmt.Errorf("egress: configuring veth pair %s: %w", veth.Name, err)
	}
	g.log.Debug("egress: environment attached", "link", veth.Name, "address", envEnd, "took", time.Since(began))
	return l, nil
}

// configure addresses both ends, brings them up and routes the
// environment's traffic to the host.
func configure(host netlink.Link, hostEnd netip.Prefix, ns *os.File, envEnd netip.Prefix) error {
	if err := netlink.AddrAdd(host, &netlink.Addr{IPNet: ipNet(hostEnd)}); err != nil {
		return fmt.Errorf("host address: %w", err)
	}
	if err := netlink.LinkSetUp(host); err != nil {
		return fmt.Errorf("host end up: %w", err)
	}
	// A handle whose socket is made inside the namespace, on a thread
	// that joins it for that alone.
	var h *netlink.Handle
	err := netns.Run(ns, func() (err error) {
		h, err = netlink.NewHandle(unix.NETLINK_ROUTE)
		return err
	})
	if h != nil {
		defer h.Close()
	}
	if err != nil {
		return fmt.Errorf("netlink inside the environment: %w", err)
	}
	env, err := h.LinkByName(EnvLink)
	if err != nil {
		return err
	}
	if err := h.AddrAdd(env, &netlink.Addr{IPNet: ipNet(envEnd)}); err != nil {
		return fmt.Errorf("environment address: %w", err)
	}
	if err := h.LinkSetUp(env); err != nil {
		return fmt.Errorf("environment end up: %w", err)
	}
	if err := h.RouteAdd(&netlink.Route{LinkIndex: env.Attrs().Index, Gw: hostEnd.Addr().AsSlice()}); err != nil {
		return fmt.Errorf("default route: %w", err)
	}
	return nil
}

// link is one environment's veth pair.
type link struct {
	g      *Gateway
	subnet int
	host   netlink.Link

	once sync.Once
	err  error
}

// Close deletes the pair (deleting one end deletes both) and frees its
// subnet. A subnet whose link could not be deleted stays taken: handing it
// out again would collide with the link's name.
func (l *link) Close() error {
	l.once.Do(func() {
		err := netlink.LinkDel(l.host)
		if err != nil && !isGone(err) {
			l.err = fmt.Errorf("egress: deleting %s: %w", l.host.Attrs().Name, err)
			return
		}
		l.g.subnets.release(l.subnet)
	})
	return l.err
}

// Close deletes every link with the prefix still there (environments are
// destroyed first; this is a backstop), removes the table, turns
// forwarding off again if Gust turned it on, and releases the host.
func (g *Gateway) Close() error {
	g.closeOnce.Do(func() {
		var errs []error
		if _, err := deleteLinks(); err != nil {
			errs = append(errs, err)
		}
		if err := removeTable(); err != nil {
			errs = append(errs, err)
		}
		if g.ownForwarding {
			if err := setForwarding(false); err != nil {
				errs = append(errs, fmt.Errorf("turning off net.ipv4.ip_forward: %w", err))
			} else if err := g.lock.noteForwarding(false); err != nil {
				errs = append(errs, err)
			}
		}
		if err := g.lock.release(); err != nil {
			errs = append(errs, err)
		}
		g.closeErr = errors.Join(errs...)
	})
	return g.closeErr
}

// linkName is the host end's name for subnet i: at most 6+7 characters
// for a /8 CIDR's 2^23 subnets, within Linux's 15.
func linkName(i int) string { return LinkPrefix + strconv.Itoa(i) }

// deleteLinks deletes every veth whose name has the prefix, and counts
// them. Only a Gateway holding the host lock calls it, so none is in use.
func deleteLinks() (int, error) {
	links, err := netlink.LinkList()
	if err != nil && !errors.Is(err, netlink.ErrDumpInterrupted) {
		return 0, err
	}
	n := 0
	var errs []error
	for _, l := range links {
		if !strings.HasPrefix(l.Attrs().Name, LinkPrefix) || l.Type() != "veth" {
			continue
		}
		if err := netlink.LinkDel(l); err != nil && !isGone(err) {
			errs = append(errs, fmt.Errorf("deleting %s: %w", l.Attrs().Name, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// checkCIDRFree refuses a CIDR holding an address of the host: routes to
// environments would capture that network's traffic.
func checkCIDRFree(cidr netip.Prefix) error {
	addrs, err := netlink.AddrList(nil, netlink.FAMILY_V4)
	if err != nil && !errors.Is(err, netlink.ErrDumpInterrupted) {
		return fmt.Errorf("egress: listing the host's addresses: %w", err)
	}
	for _, a := range addrs {
		ip, ok := netip.AddrFromSlice(a.IP)
		if ok && cidr.Contains(ip.Unmap()) {
			return fmt.Errorf("egress: the egress CIDR %s holds the host's address %s; choose another with --egress-cidr", cidr, a.IPNet)
		}
	}
	return nil
}

func isGone(err error) bool {
	var nf netlink.LinkNotFoundError
	return errors.As(err, &nf) || errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENOENT)
}

func ipNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), 32)}
}
