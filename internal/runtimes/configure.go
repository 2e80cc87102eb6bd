package runtimes

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// visibleRoots are the host directories every sandbox shows read-only at
// the same place. An interpreter must live (and resolve) under one of them
// to run inside a sandbox.
var visibleRoots = []string{"/usr", "/bin", "/sbin", "/lib", "/lib64"}

// visible refuses a path that a sandbox showing roots would not show.
func visible(path string, roots []string) error {
	if !filepath.IsAbs(path) || filepath.Clean(path) != path {
		return fmt.Errorf("%q is not a clean absolute path", path)
	}
	for _, root := range roots {
		if strings.HasPrefix(path, root+"/") {
			return nil
		}
	}
	return fmt.Errorf("%s is outside %s, the only host directories a sandbox shows",
		path, strings.Join(roots, ", "))
}

// ParseInterpreters reads --runtime-interpreter values, each
// "RUNTIME=PATH" (python3.12=/usr/local/bin/python3.12), into a map. It
// checks the syntax, that RUNTIME is a Python or Node.js identifier of the
// catalogue, given once, and that PATH is visible inside sandboxes; it
// does not look at the file system (Discover does).
func ParseInterpreters(entries []string) (map[string]string, error) {
	out := make(map[string]string, len(entries))
	var errs []error
	for _, e := range entries {
		id, path, ok := strings.Cut(e, "=")
		id, path = strings.TrimSpace(id), strings.TrimSpace(path)
		if !ok || id == "" || path == "" {
			errs = append(errs, fmt.Errorf("runtime interpreter %q: want RUNTIME=PATH, such as python3.12=/usr/local/bin/python3.12", e))
			continue
		}
		r, known := Lookup(id)
		if !known || r.Family == Provided {
			errs = append(errs, fmt.Errorf("runtime interpreter %q: %q is not a Python or Node.js runtime identifier", e, id))
			continue
		}
		if _, dup := out[id]; dup {
			errs = append(errs, fmt.Errorf("runtime interpreter %q: %s is configured twice", e, id))
			continue
		}
		if err := visible(path, visibleRoots); err != nil {
			errs = append(errs, fmt.Errorf("runtime interpreter %q: %w", e, err))
			continue
		}
		out[id] = path
	}
	return out, errors.Join(errs...)
}
