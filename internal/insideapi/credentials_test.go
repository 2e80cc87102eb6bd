package insideapi

import (
	"strings"
	"testing"
)

func TestCredentials(t *testing.T) {
	a := &Credentials{Secret: "server-secret"}
	b := &Credentials{Secret: "server-secret"}
	if _, ok := a.Lookup(a.For("f").AccessKeyID); !ok {
		t.Fatal("a key handed out is not recognised")
	}
	f, g := a.For("f"), a.For("g")
	if f == g || f.AccessKeyID == g.AccessKeyID || f.SecretAccessKey == g.SecretAccessKey {
		t.Errorf("two functions share credentials: %+v %+v", f, g)
	}
	if !strings.HasPrefix(f.AccessKeyID, "ASIA") || len(f.AccessKeyID) != 20 || len(f.SecretAccessKey) != 40 || f.SessionToken == "" {
		t.Errorf("shape: %+v", f)
	}
	if _, ok := b.Lookup(f.AccessKeyID); ok {
		t.Error("a node recognises a key it never handed out")
	}
	if b.For("f") != f {
		t.Error("derivation is not deterministic")
	}
	other := &Credentials{Secret: "another-secret"}
	if other.For("f") == f {
		t.Error("credentials do not depend on the server secret")
	}
	if s, ok := a.Lookup(g.AccessKeyID); !ok || s != g.SecretAccessKey {
		t.Errorf("Lookup(%s) = %q %v", g.AccessKeyID, s, ok)
	}
}
