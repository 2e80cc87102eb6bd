package runtimes

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrNoInterpreter matches the error of a runtime whose interpreter this
// node does not have.
var ErrNoInterpreter = errors.New("no interpreter")

// configureHint tells a user how to give Gust an interpreter it did not
// find by itself.
func configureHint(id string) string {
	return fmt.Sprintf("start gust server with --runtime-interpreter %[1]s=PATH (or GUST_RUNTIME_INTERPRETERS=%[1]s=PATH)", id)
}

// Interpreter is the host program that runs one runtime's bootstrap.
type Interpreter struct {
	Runtime string // the identifier, e.g. python3.11
	Path    string // absolute; the sandbox shows it at the same path
	Version string // what --version printed, e.g. "Python 3.11.2" or "v20.20.2"
	// Configured is true when the path came from --runtime-interpreter
	// rather than the search.
	Configured bool
}

// Interpreters is what Discover found: an interpreter per runtime, or the
// reason there is none.
type Interpreters struct {
	found   map[string]Interpreter
	missing map[string]string // runtime → what was looked for
}

// Prober runs an interpreter with --version and returns what it printed.
type Prober func(ctx context.Context, path string) (string, error)

// DiscoverOptions adjust Discover.
type DiscoverOptions struct {
	// Configured maps runtime identifiers to interpreter paths that
	// replace the search, as ParseInterpreters returns them.
	Configured map[string]string
	// Probe runs --version; nil runs the program (see RunVersion).
	Probe Prober
}

// Discover finds the interpreter of every Python and Node.js runtime: the
// configured path, or the first candidate on the host that exists, is
// visible inside a sandbox and reports the runtime's version. Each
// program is run once with --version, and the answer is kept.
//
// A configured interpreter that is missing, invisible to sandboxes or of
// the wrong version is an error: the server must not start with it. A
// runtime without a configured interpreter whose candidates all fail is
// only missing: functions cannot use it.
func Discover(ctx context.Context, o DiscoverOptions) (*Interpreters, error) {
	if o.Probe == nil {
		o.Probe = RunVersion
	}
	return discover(o, &discovery{ctx: ctx, probe: o.Probe, roots: visibleRoots, candidates: candidates})
}

func discover(o DiscoverOptions, d *discovery) (*Interpreters, error) {
	d.versions = map[string]probed{}
	in := &Interpreters{found: map[string]Interpreter{}, missing: map[string]string{}}
	var errs []error
	for _, r := range catalogue {
		if r.Family == Provided {
			continue
		}
		if path, ok := o.Configured[r.ID]; ok {
			version, err := d.check(r, path)
			if err != nil {
				errs = append(errs, fmt.Errorf("runtime interpreter %s=%s: %w", r.ID, path, err))
				continue
			}
			in.found[r.ID] = Interpreter{Runtime: r.ID, Path: path, Version: version, Configured: true}
			continue
		}
		var tried []string
		for _, path := range d.candidates(r) {
			version, err := d.check(r, path)
			if err == nil {
				in.found[r.ID] = Interpreter{Runtime: r.ID, Path: path, Version: version}
				break
			}
			if !errors.Is(err, fs.ErrNotExist) {
				path += " (" + err.Error() + ")"
			}
			tried = append(tried, path)
		}
		if _, ok := in.found[r.ID]; !ok {
			in.missing[r.ID] = describeSearch(r, tried)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return in, nil
}

// candidates are the host paths searched for a runtime's interpreter, best
// first.
func candidates(r Runtime) []string {
	switch r.Family {
	case Python:
		return []string{"/usr/bin/python" + r.Version, "/usr/local/bin/python" + r.Version}
	case Node:
		return []string{
			"/usr/bin/node" + r.Version, "/usr/local/bin/node" + r.Version,
			"/usr/bin/node", "/usr/local/bin/node", "/usr/bin/nodejs",
		}
	}
	return nil
}

func describeSearch(r Runtime, tried []string) string {
	what := "Python " + r.Version
	if r.Family == Node {
		what = "Node.js " + r.Version + ".x"
	}
	return fmt.Sprintf("looked for %s at %s", what, strings.Join(tried, ", "))
}

// probed is the cached answer of one program's --version.
type probed struct {
	version string
	err     error
}

type discovery struct {
	ctx        context.Context
	probe      Prober
	roots      []string // what sandboxes show of the host
	candidates func(Runtime) []string
	versions   map[string]probed // by resolved path
}

// check reports whether path is an interpreter for r that sandboxes can
// run, and its version.
func (d *discovery) check(r Runtime, path string) (string, error) {
	if err := visible(path, d.roots); err != nil {
		return "", err
	}
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", err // fs.ErrNotExist when missing
	}
	if err := visible(resolved, d.roots); err != nil {
		return "", fmt.Errorf("it resolves to %s: %w", resolved, err)
	}
	fi, err := os.Stat(resolved)
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return "", errors.New("not an executable file")
	}
	p, ok := d.versions[resolved]
	if !ok {
		v, err := d.probe(d.ctx, path)
		p = probed{version: strings.TrimSpace(v), err: err}
		d.versions[resolved] = p
	}
	if p.err != nil {
		return "", fmt.Errorf("running --version: %w", p.err)
	}
	if !versionMatches(r, p.version) {
		return "", fmt.Errorf("it is %s, not %s", p.version, want(r))
	}
	return p.version, nil
}

func want(r Runtime) string {
	if r.Family == Node {
		return "v" + r.Version + ".x"
	}
	return "Python " + r.Version
}

// versionMatches checks what --version printed: "Python 3.11.2" for
// python3.11, "v20.1.0" for nodejs20.x.
func versionMatches(r Runtime, printed string) bool {
	switch r.Family {
	case Python:
		rest, ok := strings.CutPrefix(printed, "Python "+r.Version)
		return ok && (rest == "" || rest[0] == '.' || rest[0] == '+' || rest[0] == ' ')
	case Node:
		rest, ok := strings.CutPrefix(printed, "v"+r.Version+".")
		return ok && rest != ""
	}
	return false
}

// Lookup returns the interpreter of runtime id, or an error matching
// ErrNoInterpreter that says what was looked for and how to configure one.
func (in *Interpreters) Lookup(id string) (Interpreter, error) {
	if in != nil {
		if it, ok := in.found[id]; ok {
			return it, nil
		}
	}
	r, ok := Lookup(id)
	if !ok {
		return Interpreter{}, fmt.Errorf("unknown runtime %q", id)
	}
	searched := ""
	if in != nil {
		searched = in.missing[id]
	}
	if searched == "" {
		searched = describeSearch(r, candidates(r))
	}
	return Interpreter{}, fmt.Errorf("%w for %s (%s): install it there, or %s",
		ErrNoInterpreter, id, searched, configureHint(id))
}

// Found lists the interpreters found, sorted by runtime.
func (in *Interpreters) Found() []Interpreter {
	if in == nil {
		return nil
	}
	out := make([]Interpreter, 0, len(in.found))
	for _, it := range in.found {
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b Interpreter) int { return strings.Compare(a.Runtime, b.Runtime) })
	return out
}
