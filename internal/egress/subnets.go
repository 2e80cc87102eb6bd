package egress

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"sync"
)

// Prefix lengths an egress CIDR may have: wide enough for a useful number
// of environments, narrow enough that every link name fits (see linkName).
const (
	MinCIDRBits = 8
	MaxCIDRBits = 30
)

// ErrExhausted is returned when every subnet of the CIDR is in use.
var ErrExhausted = errors.New("egress: every subnet of the egress CIDR is in use")

// subnets hands out the /31 subnets of an IPv4 CIDR, one per environment:
// subnet i is the pair of addresses base+2i (the host's end of the veth
// pair) and base+2i+1 (the environment's end). RFC 3021 point-to-point
// /31s waste no address on network and broadcast.
//
// Take goes round the CIDR instead of reusing the lowest free subnet, so an
// address just released is the last to be handed out again: connection
// tracking entries of a destroyed environment have time to expire before
// another environment could receive their late replies.
type subnets struct {
	base uint32
	n    int

	mu   sync.Mutex
	used []bool
	next int
}

// newSubnets splits cidr, an IPv4 prefix of MinCIDRBits..MaxCIDRBits bits,
// into /31s.
func newSubnets(cidr netip.Prefix) (*subnets, error) {
	if err := CheckCIDR(cidr); err != nil {
		return nil, err
	}
	a := cidr.Masked().Addr().As4()
	n := 1 << (31 - cidr.Bits())
	return &subnets{base: binary.BigEndian.Uint32(a[:]), n: n, used: make([]bool, n)}, nil
}

// CheckCIDR reports whether cidr can be an egress CIDR.
func CheckCIDR(cidr netip.Prefix) error {
	switch {
	case !cidr.IsValid() || !cidr.Addr().Is4():
		return fmt.Errorf("egress CIDR %s: want an IPv4 prefix such as 100.64.0.0/16", cidr)
	case cidr.Bits() < MinCIDRBits || cidr.Bits() > MaxCIDRBits:
		return fmt.Errorf("egress CIDR %s: want a prefix length from /%d to /%d", cidr, MinCIDRBits, MaxCIDRBits)
	}
	return nil
}

// take reserves the next free subnet after the last one taken.
func (s *subnets) take() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range s.n {
		i := s.next
		s.next = (s.next + 1) % s.n
		if !s.used[i] {
			s.used[i] = true
			return i, nil
		}
	}
	return 0, ErrExhausted
}

// release frees subnet i.
func (s *subnets) release(i int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.used[i] = false
}

// hostEnd is the host's address of subnet i, with its /31.
func (s *subnets) hostEnd(i int) netip.Prefix { return s.addr(i, 0) }

// envEnd is the environment's address of subnet i, with its /31.
func (s *subnets) envEnd(i int) netip.Prefix { return s.addr(i, 1) }

func (s *subnets) addr(i, end int) netip.Prefix {
	var a [4]byte
	binary.BigEndian.PutUint32(a[:], s.base+uint32(2*i+end))
	return netip.PrefixFrom(netip.AddrFrom4(a), 31)
}
