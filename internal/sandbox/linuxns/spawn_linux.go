package linuxns

import (
	"os/exec"
	"runtime"
	"sync"
)

// The kernel sends a child its parent-death signal when the *thread* that
// forked it exits, not the process. Go retires threads (a goroutine that
// exits while locked takes its thread along), so a sandbox started from an
// arbitrary goroutine could be killed long before the server stops. Every
// sandbox is therefore forked from one locked thread that lives as long as
// the process; that is the single piece of process-wide state here, and it
// cannot be owned by a Backend because the thread must outlive them all.
var spawner struct {
	once sync.Once
	reqs chan spawnRequest
}

type spawnRequest struct {
	cmd  *exec.Cmd
	done chan error
}

// spawn starts cmd from the spawner thread.
func spawn(cmd *exec.Cmd) error {
	spawner.once.Do(func() {
		spawner.reqs = make(chan spawnRequest)
		go func() {
			runtime.LockOSThread() // never unlocked: see above
			for r := range spawner.reqs {
				r.done <- r.cmd.Start()
			}
		}()
	})
	r := spawnRequest{cmd: cmd, done: make(chan error, 1)}
	spawner.reqs <- r
	return <-r.done
}
