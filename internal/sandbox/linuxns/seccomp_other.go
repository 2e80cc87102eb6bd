//go:build linux && !amd64 && !arm64

package linuxns

// nativeSyscalls is nil: the sandbox has no filter for this architecture,
// so Available reports the backend unusable.
var nativeSyscalls *syscallTable
