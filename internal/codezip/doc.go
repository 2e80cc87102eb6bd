// Package codezip validates and unpacks Lambda deployment packages (.zip).
//
// Inspect checks an uploaded package the way Lambda does on CreateFunction
// and UpdateFunctionCode: it must be a readable zip within the zipped and
// unzipped size limits, and every entry must stay inside the package root.
// Extract writes a package to a directory safely: paths that escape the root
// (absolute, "..", Windows drives and backslashes) and symlinks that point
// outside it are refused, sizes are counted from the real decompressed bytes
// rather than the headers' claims (so zip bombs and lying headers stop at the
// limit), no symlink is ever followed while writing, and the result appears
// at its destination atomically or not at all.
//
// Files keep their zip mode bits (an executable stays executable, and is made
// executable for everyone, since functions run as an unprivileged user that
// does not own the files); everything is made world-readable and directories
// are 0755, as Lambda does. Entries with no Unix mode get 0644.
//
// Errors that describe the package are *Error values whose Kind tells the API
// layer which AWS exception to raise and whose Message is AWS's wording.
//
// Out of scope: fetching packages (store), caching extractions (codecache),
// knowing what a runtime needs inside a package (control), and container
// images. Extract is for Unix hosts.
package codezip
