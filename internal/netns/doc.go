// Package netns runs Go code inside a Linux network namespace: sockets
// made there (listeners, dials, netlink handles) stay in that namespace
// for their whole life, whichever thread later uses them.
//
// The code runs on an OS thread locked to its goroutine that joins the
// namespace and returns to the caller's afterwards. A thread that cannot
// return is never unlocked, so it dies with its goroutine instead of
// running other goroutines in the wrong network. (netlink's NewHandleAt
// and similar helpers unlock the thread even when the return fails, which
// is why sandboxes and egress use this instead.)
package netns
