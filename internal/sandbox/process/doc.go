// Package process runs each execution environment as a plain child
// process. It isolates NOTHING: the bootstrap runs as the server's user,
// sees the server's whole file system and network, can read other
// functions' code and the server's data directory, and has no memory, CPU
// or process limit. It exists for development on hosts where the
// namespace backend cannot run (not Linux, not root); never use it for
// code you do not trust.
//
// What it does do: the bootstrap gets exactly Spec.Env plus
// AWS_LAMBDA_RUNTIME_API (nothing from the server's environment), runs in
// CodeDir, has its own session and process group (Destroy kills the
// group), and talks
// to a Runtime API listener on 127.0.0.1 at a random port. Arguments of
// Command under /var/task, /opt and /var/runtime are rewritten to CodeDir,
// OptDir and RuntimeDir; paths inside files and environment variables are
// not, so code that relies on the Lambda layout elsewhere will not find it.
package process
