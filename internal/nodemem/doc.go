// Package nodemem tells how much memory this node may give execution
// environments: the host's MemTotal, or the memory cgroup limit the server
// sees when that is lower (a container, a systemd slice with MemoryMax).
//
// It reads /proc and /sys once per call; it does not watch for changes or
// account for memory in use (package envs budgets what it hands out).
package nodemem
