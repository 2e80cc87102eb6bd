package egress

import "testing"

func TestOnlyLoopbackResolvers(t *testing.T) {
	for conf, want := range map[string]bool{
		"nameserver 127.0.0.53\noptions edns0 trust-ad\n":   true,
		"# comment\nnameserver 127.0.0.1\nnameserver ::1\n": true,
		"nameserver 127.0.0.53\nnameserver 192.0.2.53\n":    false,
		"nameserver 10.255.255.53\n":                        false,
		"search example.com\n":                              false,
		"":                                                  false,
	} {
		if got := onlyLoopbackResolvers(conf); got != want {
			t.Errorf("%q: %v, want %v", conf, got, want)
		}
	}
}
