package runtimes

import (
	"strings"
	"testing"
)

func TestParseInterpreters(t *testing.T) {
	got, err := ParseInterpreters([]string{"python3.12=/usr/local/bin/python3.12", " nodejs22.x = /usr/bin/node22 "})
	if err != nil || len(got) != 2 || got["python3.12"] != "/usr/local/bin/python3.12" || got["nodejs22.x"] != "/usr/bin/node22" {
		t.Fatalf("ParseInterpreters = %v, %v", got, err)
	}
	if got, err := ParseInterpreters(nil); err != nil || len(got) != 0 {
		t.Fatalf("no entries: %v, %v", got, err)
	}
	for entry, want := range map[string]string{
		"python3.12":                      "want RUNTIME=PATH",
		"=/usr/bin/python3":               "want RUNTIME=PATH",
		"python3.12=":                     "want RUNTIME=PATH",
		"ruby3.3=/usr/bin/ruby":           `"ruby3.3" is not a Python or Node.js runtime identifier`,
		"provided.al2023=/usr/bin/true":   "is not a Python or Node.js runtime identifier",
		"python3.12=/opt/py/bin/python3":  "is outside /usr, /bin, /sbin, /lib, /lib64",
		"python3.12=usr/bin/python3.12":   "is not a clean absolute path",
		"python3.12=/usr/../opt/python3":  "is not a clean absolute path",
		"python3.12=/usrlocal/bin/python": "is outside",
	} {
		if _, err := ParseInterpreters([]string{entry}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", entry, err, want)
		}
	}
	if _, err := ParseInterpreters([]string{"python3.12=/usr/bin/a", "python3.12=/usr/bin/b"}); err == nil || !strings.Contains(err.Error(), "configured twice") {
		t.Errorf("a runtime given twice: %v", err)
	}
}

func TestVersionMatches(t *testing.T) {
	py311, _ := Lookup("python3.11")
	py39, _ := Lookup("python3.9")
	node20, _ := Lookup("nodejs20.x")
	for _, tc := range []struct {
		r       Runtime
		printed string
		want    bool
	}{
		{py311, "Python 3.11.2", true},
		{py311, "Python 3.11", true},
		{py311, "Python 3.11.0+", true},
		{py311, "Python 3.12.1", false},
		{py39, "Python 3.9.18", true},
		{py39, "Python 3.91.0", false},
		{node20, "v20.20.2", true},
		{node20, "v2.0.0", false},
		{node20, "v200.1.0", false},
		{node20, "v20", false},
	} {
		if got := versionMatches(tc.r, tc.printed); got != tc.want {
			t.Errorf("versionMatches(%s, %q) = %v, want %v", tc.r.ID, tc.printed, got, tc.want)
		}
	}
}
