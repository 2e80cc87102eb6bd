// Package envs runs Lambda execution environments and pools them per
// function configuration.
//
// An Environment is one sandbox with its own Runtime API server, moving
// through an explicit state machine (states.go): Starting → Initializing →
// Ready ⇄ Invoking → Dead. Every transition not listed there is refused.
// The Manager keeps idle environments warm for reuse (globals and /tmp
// persist between invocations), starts new ones when all are busy, and
// reaps those idle longer than the keep-alive. How each runtime starts
// (command, /var/runtime, extra variables) comes from a Launcher, the
// runtimes catalogue.
//
// Pools (pools.go, pooled.go) keep per runtime a few environments started
// before any function was chosen for them (state Pooled); a cold start
// takes one and specialises it (its code, limits, environment, handler)
// instead of starting an environment. A pooled environment serves exactly
// one function and never goes back to a pool.
//
// It does not decide whether an invocation may run (limits live in invoke)
// and it does not store logs; it hands each environment's output lines to a
// LogSink.
package envs
