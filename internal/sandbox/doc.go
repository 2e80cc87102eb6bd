// Package sandbox is the seam between Gust and whatever isolates a Lambda
// execution environment: the Spec of one environment, the Backend and
// Instance interfaces every isolation implements, and the errors callers
// test for. It chooses no backend and imports none: cmd/gust picks one
// (package linuxns or process, for --isolation) and hands it to package
// envs.
//
// A Backend makes environments and says, with Isolation, what they are kept
// apart by, so that callers decide by a typed answer, never by the
// backend's Name. Create prepares one environment: its isolation and the
// listener on which the caller serves the Runtime API (inside the
// environment's own network where it has one, so no function reaches
// another's). The caller starts serving, then calls Start, which starts the
// bootstrap with exactly Spec.Env plus AWS_LAMBDA_RUNTIME_API. Exited,
// ExitStatus, MaxMemoryBytes and OOMKills report on it; Destroy kills
// everything it started and releases what it held.
//
// Optional capabilities are one-method interfaces found by type assertion,
// and nothing wraps an Instance or a Backend, so an assertion tells the
// truth: a Backend may be a Pooler (sandboxes made before their function is
// known, given to one later with PooledInstance.Specialize) and a
// LeftoverSweeper; an Instance may be an InsideListener (more listeners
// inside its network) and an UplinkAttacher (connect its network to the
// outside). What an environment gets beyond its backend comes through an
// Attachment (Gust's API inside it, package insideapi; egress, package
// egress), attached to every new instance before anything runs in it.
//
// This package does not serve the Runtime API (package runtimeapi does),
// manage pools or reuse of environments (package envs), or fetch code.
package sandbox
