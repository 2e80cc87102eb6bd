package egress

import (
	"net/netip"
	"strings"
)

// onlyLoopbackResolvers reports whether a resolv.conf names nameservers and
// all of them are loopback addresses (systemd-resolved's 127.0.0.53, a
// local dnsmasq). Environments get a copy of the host's resolv.conf, and
// their loopback is their own: such a nameserver does not answer there.
func onlyLoopbackResolvers(resolvConf string) bool {
	n := 0
	for _, line := range strings.Split(resolvConf, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "nameserver" {
			continue
		}
		n++
		a, err := netip.ParseAddr(f[1])
		if err != nil || !a.IsLoopback() {
			return false
		}
	}
	return n > 0
}
