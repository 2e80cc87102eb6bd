package egress

import (
	"errors"
	"net/netip"
	"testing"
)

func TestSubnetsAddresses(t *testing.T) {
	s, err := newSubnets(netip.MustParsePrefix("100.64.0.0/16"))
	if err != nil {
		t.Fatal(err)
	}
	if s.n != 32768 {
		t.Errorf("a /16 holds %d /31s, want 32768", s.n)
	}
	for i, want := range map[int][2]string{
		0:     {"100.64.0.0/31", "100.64.0.1/31"},
		1:     {"100.64.0.2/31", "100.64.0.3/31"},
		128:   {"100.64.1.0/31", "100.64.1.1/31"},
		32767: {"100.64.255.254/31", "100.64.255.255/31"},
	} {
		if h, e := s.hostEnd(i).String(), s.envEnd(i).String(); h != want[0] || e != want[1] {
			t.Errorf("subnet %d: host %s env %s, want %v", i, h, e, want)
		}
	}
	// A CIDR written with host bits set means its network.
	s, err = newSubnets(netip.MustParsePrefix("10.9.8.7/24"))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.hostEnd(0).String(); got != "10.9.8.0/31" {
		t.Errorf("first host end of 10.9.8.7/24: %s", got)
	}
}

func TestSubnetsTakeAndRelease(t *testing.T) {
	s, err := newSubnets(netip.MustParsePrefix("192.0.2.0/30")) // two /31s
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.take()
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.take()
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Fatalf("subnet %d handed out twice", a)
	}
	if _, err := s.take(); !errors.Is(err, ErrExhausted) {
		t.Fatalf("third take from a /30: %v, want ErrExhausted", err)
	}
	s.release(a)
	c, err := s.take()
	if err != nil || c != a {
		t.Fatalf("after releasing %d: took %d, %v", a, c, err)
	}
}

func TestSubnetsRoundRobin(t *testing.T) {
	s, err := newSubnets(netip.MustParsePrefix("192.0.2.0/29")) // four /31s
	if err != nil {
		t.Fatal(err)
	}
	first, _ := s.take()
	s.release(first)
	// The subnet just released comes back only after every other one.
	var order []int
	for range 4 {
		i, err := s.take()
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, i)
	}
	if order[3] != first {
		t.Errorf("order after releasing %d: %v; it came back before the others", first, order)
	}
	seen := map[int]bool{}
	for _, i := range order {
		if seen[i] {
			t.Errorf("subnet %d handed out twice: %v", i, order)
		}
		seen[i] = true
	}
}

func TestCheckCIDR(t *testing.T) {
	for cidr, ok := range map[string]bool{
		"100.64.0.0/16": true,
		"10.0.0.0/8":    true,
		"192.0.2.0/30":  true,
		"10.0.0.0/7":    false,
		"192.0.2.0/31":  false,
		"fd00::/64":     false,
	} {
		err := CheckCIDR(netip.MustParsePrefix(cidr))
		if (err == nil) != ok {
			t.Errorf("CheckCIDR(%s) = %v", cidr, err)
		}
	}
	if CheckCIDR(netip.Prefix{}) == nil {
		t.Error("the zero prefix is accepted")
	}
}
