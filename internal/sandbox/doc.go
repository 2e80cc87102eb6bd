// Package sandbox runs Lambda execution environments: it is the one place
// that knows how a function's bootstrap is isolated from the host and from
// other functions. Everything else sees the small interface here.
//
// A Backend makes environments. Create prepares one: its isolation and the
// listener on which the caller serves the Runtime API (inside the
// environment's own network, so no function reaches another's). The caller
// starts serving, then calls Start, which starts the bootstrap with exactly
// Spec.Env plus AWS_LAMBDA_RUNTIME_API. Exited, ExitStatus, MaxMemoryBytes
// and OOMKills report on it; Destroy kills everything it started and
// releases what it held. Optional capabilities are small interfaces found
// by type assertion: Freezer (suspend between invocations),
// InsideListener (more listeners inside the environment's network),
// Specializer (give a pooled sandbox to a function) and UplinkAttacher
// (connect the environment's network to the outside, which package egress
// does; a namespace has only its loopback otherwise).
//
// Two backends exist. linuxns (Name "namespace") gives each environment
// namespaces, cgroups, a read-only root, an unprivileged user and a seccomp
// filter; it needs Linux and root. process runs plain child processes and
// isolates nothing; it is for development where linuxns cannot run. Choose
// picks one for the server's --isolation flag: "auto" takes namespace when
// linuxns.Available says the host supports it and otherwise falls back to
// process with a loud warning.
//
// This package does not serve the Runtime API (package runtimeapi does),
// manage pools or reuse of environments (package envs), or fetch code.
package sandbox
