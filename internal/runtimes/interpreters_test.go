package runtimes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeHost is a directory standing for what sandboxes show of the host,
// with programs whose --version answers are made up.
type fakeHost struct {
	t        *testing.T
	root     string
	versions map[string]string // by program path
	probes   map[string]int
}

func newFakeHost(t *testing.T) *fakeHost {
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &fakeHost{t: t, root: root, versions: map[string]string{}, probes: map[string]int{}}
}

func (h *fakeHost) program(name, version string) string {
	path := filepath.Join(h.root, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), 0o755); err != nil {
		h.t.Fatal(err)
	}
	h.versions[path] = version
	return path
}

func (h *fakeHost) probe(_ context.Context, path string) (string, error) {
	resolved, _ := filepath.EvalSymlinks(path)
	h.probes[resolved]++
	v, ok := h.versions[resolved]
	if !ok {
		return "", errors.New("exit status 1")
	}
	return v + "\n", nil
}

// candidates searches the fake host as Gust searches /usr/bin.
func (h *fakeHost) candidates(r Runtime) []string {
	if r.Family == Python {
		return []string{filepath.Join(h.root, "python"+r.Version)}
	}
	return []string{filepath.Join(h.root, "node"+r.Version), filepath.Join(h.root, "node")}
}

func (h *fakeHost) discover(configured map[string]string) (*Interpreters, error) {
	return discover(DiscoverOptions{Configured: configured}, &discovery{
		ctx: context.Background(), probe: h.probe, roots: []string{h.root}, candidates: h.candidates,
	})
}

func TestDiscover(t *testing.T) {
	h := newFakeHost(t)
	py311 := h.program("python3.11", "Python 3.11.4")
	h.program("python3.12", "Python 3.13.0") // a wrongly named program
	node := h.program("node", "v20.11.1")
	h.program("node22", "v21.0.0")
	outside := filepath.Join(t.TempDir(), "python3.10")
	if err := os.WriteFile(outside, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(h.root, "python3.10")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.root, "python3.13"), nil, 0o644); err != nil {
		t.Fatal(err)
	}

	in, err := h.discover(nil)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, it := range in.Found() {
		found = append(found, fmt.Sprintf("%s=%s (%s)", it.Runtime, it.Path, it.Version))
	}
	want := []string{"nodejs20.x=" + node + " (v20.11.1)", "python3.11=" + py311 + " (Python 3.11.4)"}
	if strings.Join(found, " ") != strings.Join(want, " ") {
		t.Errorf("found %v, want %v", found, want)
	}
	// node answers for nodejs18.x, 20.x and 22.x, but runs once.
	if h.probes[node] != 1 {
		t.Errorf("node was asked its version %d times", h.probes[node])
	}
	for id, why := range map[string]string{
		"python3.12": "it is Python 3.13.0, not Python 3.12",
		"python3.10": "is outside " + h.root,
		"python3.13": "not an executable file",
		"python3.9":  "looked for Python 3.9 at " + filepath.Join(h.root, "python3.9"),
		"nodejs22.x": "node22 (it is v21.0.0, not v22.x), " + node + " (it is v20.11.1, not v22.x)",
	} {
		_, err := in.Lookup(id)
		if !errors.Is(err, ErrNoInterpreter) || !strings.Contains(err.Error(), why) || !strings.Contains(err.Error(), "--runtime-interpreter "+id+"=PATH") {
			t.Errorf("Lookup(%s) = %v, want ErrNoInterpreter saying %q", id, err, why)
		}
	}
}

func TestDiscoverConfigured(t *testing.T) {
	h := newFakeHost(t)
	custom := h.program("my-python", "Python 3.12.1")
	in, err := h.discover(map[string]string{"python3.12": custom})
	if err != nil {
		t.Fatal(err)
	}
	if it, err := in.Lookup("python3.12"); err != nil || it.Path != custom || !it.Configured {
		t.Errorf("Lookup(python3.12) = %+v, %v", it, err)
	}
	// A configured interpreter that does not fit stops the server.
	for configured, want := range map[string]string{
		custom:                               "it is Python 3.12.1, not Python 3.11",
		filepath.Join(h.root, "nothing"):     "no such file",
		filepath.Join(t.TempDir(), "python"): "is outside",
	} {
		_, err := h.discover(map[string]string{"python3.11": configured})
		if err == nil || !strings.Contains(err.Error(), "runtime interpreter python3.11="+configured+": ") || !strings.Contains(err.Error(), want) {
			t.Errorf("configured %s: %v, want an error saying %q", configured, err, want)
		}
	}
}

func TestDiscoverOnThisHost(t *testing.T) {
	in, err := Discover(context.Background(), DiscoverOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range in.Found() {
		r, _ := Lookup(it.Runtime)
		if !versionMatches(r, it.Version) || visible(it.Path, visibleRoots) != nil {
			t.Errorf("found %+v", it)
		}
	}
}
