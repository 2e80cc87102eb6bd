package runtimes

import (
	"fmt"
	"path/filepath"
)

// Catalogue says how this node starts each runtime. The zero value starts
// the provided runtimes only.
type Catalogue struct {
	// Interpreters are the host's Python and Node.js programs (Discover).
	Interpreters *Interpreters
	// BootstrapDir holds Gust's bootstraps (WriteBootstraps).
	BootstrapDir string
}

// Launch is how an environment starts one runtime.
type Launch struct {
	// Command is the bootstrap's argv, with paths as the sandbox shows
	// them.
	Command []string
	// RuntimeDir is the host directory to mount read-only at
	// /var/runtime; "" for none.
	RuntimeDir string
	// Env holds variables the runtime adds to the function's
	// environment, NAME=value.
	Env []string
}

// Where Gust's bootstraps appear inside a sandbox.
const (
	pythonBootstrap = "/var/runtime/bootstrap.py"
	nodeBootstrap   = "/var/runtime/bootstrap.cjs"
)

// Available returns nil when this node can run runtime id, and otherwise
// an error a user can act on. An error for a known identifier matches
// ErrNoInterpreter.
func (c *Catalogue) Available(id string) error {
	_, err := c.Launch(id)
	return err
}

// Launch returns how to start runtime id.
func (c *Catalogue) Launch(id string) (Launch, error) {
	r, ok := Lookup(id)
	if !ok {
		return Launch{}, fmt.Errorf("unknown runtime %q", id)
	}
	if r.Family == Provided {
		return Launch{Command: []string{"/var/task/bootstrap"}}, nil
	}
	it, err := c.Interpreters.Lookup(id)
	if err != nil {
		return Launch{}, err
	}
	if c.BootstrapDir == "" {
		return Launch{}, fmt.Errorf("runtime %s: the bootstraps were not written", id)
	}
	switch r.Family {
	case Python:
		// -u: print and logging reach the log at once, as on Lambda.
		return Launch{
			Command:    []string{it.Path, "-u", pythonBootstrap},
			RuntimeDir: filepath.Join(c.BootstrapDir, "python"),
		}, nil
	default: // Node
		return Launch{
			Command:    []string{it.Path, nodeBootstrap},
			RuntimeDir: filepath.Join(c.BootstrapDir, "node"),
			// Lambda's module path: layers first, then the runtime's
			// own modules, then the function's.
			Env: []string{"NODE_PATH=/opt/nodejs/node" + r.Version + "/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task"},
		}, nil
	}
}
