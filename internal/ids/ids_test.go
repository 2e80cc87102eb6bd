package ids

import (
	"regexp"
	"testing"
)

var uuid = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestIDs(t *testing.T) {
	a, b := New(), New()
	if !uuid.MatchString(a) || a == b {
		t.Fatalf("New: %s %s", a, b)
	}
	if Of("m", "s") != Of("m", "s") || Of("m", "s") == Of("ms") || !uuid.MatchString(Of("x")) {
		t.Fatalf("Of: %s %s", Of("m", "s"), Of("ms"))
	}
}
