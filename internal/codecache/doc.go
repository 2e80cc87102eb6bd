// Package codecache keeps this node's unzipped copies of code packages.
//
// Path returns <dir>/<sha256hex>, a directory holding the package whose
// CodeSha256 is sha256hex, fetching it from a Source and extracting it the
// first time. Callers asking for the same package at the same time share one
// fetch and extraction. Extraction is atomic (see codezip.Extract), so a
// directory that exists is always complete, and after a crash Path simply
// extracts again. Package directories are 0755 with world-readable files so
// that a sandbox can bind-mount one read-only at /var/task for its
// unprivileged user; the cache directory itself is 0711: traversable, not
// listable.
//
// Out of scope: deciding when a package is no longer needed (the caller
// calls Remove, and must not while an environment still uses the
// directory), size-based eviction, validating packages for users (control
// does that with codezip.Inspect at upload), and mounting.
package codecache
