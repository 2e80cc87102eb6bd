package runtimes

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCatalogueLaunch(t *testing.T) {
	h := newFakeHost(t)
	py := h.program("python3.11", "Python 3.11.4")
	node := h.program("node", "v20.11.1")
	in, err := h.discover(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &Catalogue{Interpreters: in, BootstrapDir: "/data/runtimes/abc"}

	l, err := c.Launch("python3.11")
	if err != nil || !slices.Equal(l.Command, []string{py, "-u", "/var/runtime/bootstrap.py"}) || l.RuntimeDir != "/data/runtimes/abc/python" || len(l.Env) != 0 {
		t.Errorf("python3.11: %+v, %v", l, err)
	}
	l, err = c.Launch("nodejs20.x")
	if err != nil || !slices.Equal(l.Command, []string{node, "/var/runtime/bootstrap.cjs"}) || l.RuntimeDir != "/data/runtimes/abc/node" ||
		!slices.Equal(l.Env, []string{"NODE_PATH=/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task"}) {
		t.Errorf("nodejs20.x: %+v, %v", l, err)
	}
	l, err = c.Launch("provided.al2023")
	if err != nil || !slices.Equal(l.Command, []string{"/var/task/bootstrap"}) || l.RuntimeDir != "" {
		t.Errorf("provided.al2023: %+v, %v", l, err)
	}
	if err := c.Available("python3.12"); !errors.Is(err, ErrNoInterpreter) || !strings.Contains(err.Error(), filepath.Join(h.root, "python3.12")) {
		t.Errorf("Available(python3.12) = %v", err)
	}
	if err := c.Available("cobol85"); err == nil || errors.Is(err, ErrNoInterpreter) {
		t.Errorf("Available(cobol85) = %v", err)
	}
}

func TestZeroCatalogueRunsProvidedOnly(t *testing.T) {
	var c Catalogue
	if err := c.Available("provided"); err != nil {
		t.Errorf("provided: %v", err)
	}
	err := c.Available("python3.11")
	if !errors.Is(err, ErrNoInterpreter) || !strings.Contains(err.Error(), "/usr/bin/python3.11, /usr/local/bin/python3.11") {
		t.Errorf("python3.11 without interpreters: %v", err)
	}
}
