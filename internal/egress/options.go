package egress

import (
	"log/slog"
	"net/netip"
)

// Names and places a Gateway owns on the host. There is one Gateway per
// host (see LockPath), so they are constants, not options.
const (
	// LinkPrefix starts the name of the host's end of every veth pair;
	// the rules match it and a starting Gateway deletes leftovers by it.
	LinkPrefix = "gusteg"
	// EnvLink is the name of the environment's end inside its namespace.
	EnvLink = "eth0"
	// TableName is Gust's nftables table (family inet).
	TableName = "gust_egress"
	// LockPath is the file a Gateway locks for its life.
	LockPath = "/run/gust/egress.lock"
)

// DefaultCIDR is the egress CIDR unless configured: a /16 of RFC 6598's
// shared address space, which is meant for carrier-grade NAT and is
// rarely on a host's own links; 32768 environments.
var DefaultCIDR = netip.MustParsePrefix("100.64.0.0/16")

// Options configure a Gateway. The zero value is usable.
type Options struct {
	// CIDR is split into the /31s environments and the host's ends of
	// their links get (default DefaultCIDR). No address of the host may lie
	// in it.
	CIDR netip.Prefix
	// Logger receives what the Gateway changes on the host; nil discards.
	Logger *slog.Logger
}

func (o Options) withDefaults() (Options, error) {
	if !o.CIDR.IsValid() {
		o.CIDR = DefaultCIDR
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.CIDR = o.CIDR.Masked()
	return o, CheckCIDR(o.CIDR)
}
