package egress

import (
	"errors"
	"fmt"
	"net/netip"
	"os"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// table is Gust's nftables table. One inet table holds every rule, so it
// is installed, replaced and removed as a whole.
var table = &nftables.Table{Name: TableName, Family: nftables.TableFamilyINet}

// installTable replaces Gust's table, whatever an earlier server left, by
// one holding these rules, in one transaction: there is no moment without
// them. ownForwarding adds a last rule dropping all other forwarded
// traffic, so that a host that did not forward before Gust still forwards
// nothing else. In nft syntax, with P the link prefix and C the CIDR:
//
//	chain input { type filter hook input priority filter
//		iifname "P*" ct state established,related accept
//		iifname "P*" drop }            # the host's own services
//	chain forward { type filter hook forward priority filter
//		iifname "P*" oifname "P*" drop # environment to environment
//		oifname "P*" ct state established,related accept
//		oifname "P*" drop              # nothing else reaches an environment
//		iifname "P*" ip daddr 169.254.0.0/16 drop # link-local, metadata
//		iifname "P*" ip saddr C accept # out to the world
//		iifname "P*" drop              # spoofed sources, IPv6
//		[drop] }                       # ownForwarding
//	chain postrouting { type nat hook postrouting priority srcnat
//		ip saddr C oifname != "P*" masquerade }
//
// Chains leave what they do not match to the host's other rules (policy
// accept): a drop here is final, an accept is not, so the host's own
// firewall keeps the last word over what environments may reach.
func installTable(cidr netip.Prefix, ownForwarding bool) error {
	c, err := nftables.New()
	if err != nil {
		return err
	}
	c.AddTable(table) // so that the delete below finds one
	c.DelTable(table)
	c.AddTable(table)

	accept := nftables.ChainPolicyAccept
	input := c.AddChain(&nftables.Chain{Name: "input", Table: table, Type: nftables.ChainTypeFilter,
		Hooknum: nftables.ChainHookInput, Priority: nftables.ChainPriorityFilter, Policy: &accept})
	forward := c.AddChain(&nftables.Chain{Name: "forward", Table: table, Type: nftables.ChainTypeFilter,
		Hooknum: nftables.ChainHookForward, Priority: nftables.ChainPriorityFilter, Policy: &accept})
	post := c.AddChain(&nftables.Chain{Name: "postrouting", Table: table, Type: nftables.ChainTypeNAT,
		Hooknum: nftables.ChainHookPostrouting, Priority: nftables.ChainPriorityNATSource, Policy: &accept})

	rule := func(ch *nftables.Chain, exprs ...[]expr.Any) {
		var all []expr.Any
		for _, e := range exprs {
			all = append(all, e...)
		}
		c.AddRule(&nftables.Rule{Table: table, Chain: ch, Exprs: all})
	}
	fromEnv, toEnv := linkIs(expr.MetaKeyIIFNAME, expr.CmpOpEq), linkIs(expr.MetaKeyOIFNAME, expr.CmpOpEq)
	linkLocal := netip.MustParsePrefix("169.254.0.0/16")

	rule(input, fromEnv, replies(), verdict(expr.VerdictAccept))
	rule(input, fromEnv, verdict(expr.VerdictDrop))

	rule(forward, fromEnv, toEnv, verdict(expr.VerdictDrop))
	rule(forward, toEnv, replies(), verdict(expr.VerdictAccept))
	rule(forward, toEnv, verdict(expr.VerdictDrop))
	rule(forward, fromEnv, ipv4In(ipv4Dst, linkLocal), verdict(expr.VerdictDrop))
	rule(forward, fromEnv, ipv4In(ipv4Src, cidr), verdict(expr.VerdictAccept))
	rule(forward, fromEnv, verdict(expr.VerdictDrop))
	if ownForwarding {
		rule(forward, verdict(expr.VerdictDrop))
	}

	rule(post, ipv4In(ipv4Src, cidr), linkIs(expr.MetaKeyOIFNAME, expr.CmpOpNeq), []expr.Any{&expr.Masq{}})
	if err := c.Flush(); err != nil {
		return fmt.Errorf("installing nftables table inet %s: %w", TableName, err)
	}
	return nil
}

// removeTable deletes Gust's table; a missing table is no error.
func removeTable() error {
	c, err := nftables.New()
	if err != nil {
		return err
	}
	c.DelTable(table)
	if err := c.Flush(); err != nil && !errors.Is(err, os.ErrNotExist) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("removing nftables table inet %s: %w", TableName, err)
	}
	return nil
}

// linkIs compares the input or output interface's name with the link
// prefix; comparing only the prefix's bytes is what nft's "P*" does.
func linkIs(key expr.MetaKey, op expr.CmpOp) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: key, Register: 1},
		&expr.Cmp{Op: op, Register: 1, Data: []byte(LinkPrefix)},
	}
}

// replies matches packets of connections already established (and
// related ones, such as ICMP errors).
func replies() []expr.Any {
	return []expr.Any{
		&expr.Ct{Key: expr.CtKeySTATE, Register: 1},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4,
			Mask: binaryutil.NativeEndian.PutUint32(expr.CtStateBitESTABLISHED | expr.CtStateBitRELATED),
			Xor:  binaryutil.NativeEndian.PutUint32(0)},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: binaryutil.NativeEndian.PutUint32(0)},
	}
}

// Offsets of the addresses in an IPv4 header.
const (
	ipv4Src = 12
	ipv4Dst = 16
)

// ipv4In matches IPv4 packets whose source or destination address lies in
// p. An inet table sees IPv6 too, hence the protocol check first.
func ipv4In(offset uint32, p netip.Prefix) []expr.Any {
	p = p.Masked()
	mask := make([]byte, 4)
	for i := range p.Bits() {
		mask[i/8] |= 0x80 >> (i % 8)
	}
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyNFPROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{unix.NFPROTO_IPV4}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: offset, Len: 4},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: mask, Xor: make([]byte, 4)},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: p.Addr().AsSlice()},
	}
}

func verdict(k expr.VerdictKind) []expr.Any {
	return []expr.Any{&expr.Verdict{Kind: k}}
}
