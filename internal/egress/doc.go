// Package egress gives execution environments full outbound network
// access through NAT, as Lambda functions outside a VPC have
// (gust server --outbound full), while keeping them apart from each other
// and from the host.
//
// A Gateway owns the host's side. Open takes /run/gust/egress.lock (one
// full-egress server per host: the link prefix, the table and the
// forwarding setting are host-wide), deletes veths a crashed server left,
// turns on net.ipv4.ip_forward and installs the nftables table inet
// gust_egress, replacing any earlier one in one transaction. Attach gives
// one environment's network namespace a veth pair: the host's end
// "gusteg<n>" with the even address of the environment's /31 of the
// egress CIDR (default 100.64.0.0/16), the environment's end eth0 with the
// odd one and a default route via the host's end. Closing the attachment
// deletes the pair; when a server dies without closing, the namespace dies
// with the environment's processes (their parent-death signal) and takes
// the pair with it. Close deletes any pair left, the table, and the
// forwarding Gust turned on.
//
// The table's rules, matched by the link prefix:
//   - input: an environment opens no connection to the host itself, on
//     any of its addresses (the host's services, the gust API and NATS
//     included); Gust's API stays reachable inside each environment at
//     127.0.0.1:9000 (package insideapi), without crossing the veth.
//   - forward: nothing passes from one environment to another, nothing
//     reaches an environment but replies, link-local addresses
//     (169.254.0.0/16, metadata services) are dropped, IPv4 from the
//     environment's own CIDR goes out, anything else (spoofed sources,
//     IPv6) is dropped. If the host did not forward before, every other
//     forwarded packet is dropped too, so turning forwarding on opens
//     nothing but the environments' path out.
//   - postrouting: traffic from the CIDR leaving through any other link is
//     masqueraded to that link's address.
//
// Netlink and nftables are spoken directly (vishvananda/netlink,
// google/nftables): no ip or nft binary is run.
//
// Attachment is the sandbox.Attachment that connects each new environment,
// pooled ones included, before anything runs in it, through the instance's
// own sandbox.UplinkAttacher (the namespace backend's); it wraps nothing.
//
// What it does not do: it opens no port into an environment, filters no
// destination beyond the host and link-local addresses (private networks
// the host reaches, a LAN, are reachable as the internet is), gives no
// IPv6, and limits no bandwidth. Names resolve with the host's
// /etc/resolv.conf, copied into each environment: a loopback nameserver
// (systemd-resolved's 127.0.0.53) does not answer there, and Open warns.
// The process backend shares the host's network and cannot be attached.
package egress
