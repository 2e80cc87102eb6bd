package sandbox

import "gust/internal/sandbox/internal/contract"

// The shared types live in an internal package so that the backends, which
// this package imports for Choose, can use them without an import cycle.
// These aliases are the names to use.
type (
	// Spec describes one execution environment.
	Spec = contract.Spec
	// Backend makes execution environments.
	Backend = contract.Backend
	// Instance is one execution environment.
	Instance = contract.Instance
	// ExitStatus is how a bootstrap exited.
	ExitStatus = contract.ExitStatus
	// InitError is a failure while preparing or starting an environment.
	InitError = contract.InitError
	// Freezer is an optional Instance capability: suspend and resume.
	Freezer = contract.Freezer
	// InsideListener is an optional Instance capability: listen inside
	// the environment's network.
	InsideListener = contract.InsideListener
	// Specializer is an optional capability of pooled Instances: mount a
	// function's code and set its limits.
	Specializer = contract.Specializer
	// LeftoverSweeper is an optional Backend capability: clear what a
	// killed server's pooled sandboxes left behind.
	LeftoverSweeper = contract.LeftoverSweeper
	// Uplink connects a network namespace to a network outside it.
	Uplink = contract.Uplink
	// UplinkAttacher is an optional Instance capability: connect the
	// environment's network through an Uplink.
	UplinkAttacher = contract.UplinkAttacher
)

// ErrInvalidEntrypoint matches Start errors that are the function's fault:
// Command[0] is missing, not executable, or not a valid executable.
var ErrInvalidEntrypoint = contract.ErrInvalidEntrypoint

// RuntimeAPIEnv is the variable through which a bootstrap finds the Runtime
// API; backends set it.
const RuntimeAPIEnv = contract.RuntimeAPIEnv
