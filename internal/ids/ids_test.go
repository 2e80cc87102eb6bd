package ids

import (
	"regexp"
	"testing"
	"time"
)

var uuid = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestShapes(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		u := UUID()
		if !uuid.MatchString(u) {
			t.Fatalf("UUID %q is not a version 4 UUID", u)
		}
		if seen[u] {
			t.Fatalf("UUID %q repeated", u)
		}
		seen[u] = true
	}
	if h := Hex(16); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(h) {
		t.Errorf("Hex(16) = %q", h)
	}
	if id := TraceID(time.Unix(0x5f000000, 0)); !regexp.MustCompile(`^1-5f000000-[0-9a-f]{24}$`).MatchString(id) {
		t.Errorf("TraceID = %q", id)
	}
}

func TestOf(t *testing.T) {
	if Of("m", "s") != Of("m", "s") || Of("m", "s") == Of("ms") || !uuid.MatchString(Of("x")) {
		t.Fatalf("Of: %s %s", Of("m", "s"), Of("ms"))
	}
}
