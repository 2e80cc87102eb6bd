package linuxns

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"gust/internal/sandbox"
	"gust/internal/sandbox/internal/output"
)

// instance is one namespace sandbox. Its init process is PID 1 of the
// sandbox's PID namespace and becomes the bootstrap on Start.
type instance struct {
	id      string
	log     *slog.Logger
	netns   *os.File
	ln      net.Listener
	cg      *envCgroup
	streams *output.Streams
	cmd     *exec.Cmd
	status  *os.File // read end of the init's status pipe
	statusR *bufio.Reader
	exited  chan struct{}
	exit    sandbox.ExitStatus // set before exited is closed
	pidsMax int
	taskDir string // pooled: the shared mount behind /var/task

	mu        sync.Mutex
	control   *os.File // write end of the init's control pipe; nil once used
	started   bool
	destroyed bool
	final     bool // peak and ooms hold the last reading of removed cgroups
	peak      int64
	ooms      int
	// specialized is set by the first Specialize.
	specialized bool
	// uplink is the attachment AttachUplink made, closed in Destroy.
	uplink io.Closer

	destroyOnce sync.Once
	destroyErr  error
}

var (
	_ sandbox.Instance        = (*instance)(nil)
	_ sandbox.InsideListener  = (*instance)(nil)
	_ sandbox.PooledInstance  = (*instance)(nil)
	_ sandbox.Pooler          = (*Backend)(nil)
	_ sandbox.UplinkAttacher  = (*instance)(nil)
	_ sandbox.LeftoverSweeper = (*Backend)(nil)
)

func (i *instance) Listener() net.Listener  { return i.ln }
func (i *instance) RuntimeAPIAddr() string  { return RuntimeAPIAddr }
func (i *instance) Exited() <-chan struct{} { return i.exited }

func (i *instance) ExitStatus() sandbox.ExitStatus {
	select {
	case <-i.exited:
		return i.exit
	default:
		return sandbox.ExitStatus{}
	}
}

// wait reaps the init process (later the bootstrap). When PID 1 of a PID
// namespace exits, the kernel kills everything else in it.
func (i *instance) wait() {
	_ = i.cmd.Wait()
	i.exit = sandbox.ExitStatus{Code: -1}
	if ps := i.cmd.ProcessState; ps != nil {
		if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			i.exit.Signal = ws.Signal().String()
		} else {
			i.exit.Code = ps.ExitCode()
		}
	}
	close(i.exited)
}

// Start lets the init process exec the bootstrap and waits for the exec.
func (i *instance) Start() error {
	i.mu.Lock()
	control := i.control
	switch {
	case i.destroyed:
		i.mu.Unlock()
		return errors.New("sandbox: Start after Destroy")
	case i.started:
		i.mu.Unlock()
		return errors.New("sandbox: Start called twice")
	}
	i.started, i.control = true, nil
	i.mu.Unlock()

	_, err := control.Write([]byte{startByte})
	_ = control.Close()
	if err != nil {
		return fmt.Errorf("starting the bootstrap: %w", err)
	}
	// The status pipe is close-on-exec in the init process: EOF means the
	// bootstrap is running.
	_ = i.status.SetReadDeadline(time.Now().Add(startTimeout))
	st, err := i.readStatus()
	switch {
	case errors.Is(err, io.EOF):
		return nil
	case err != nil:
		return fmt.Errorf("waiting for the bootstrap to start: %w", err)
	default:
		return st.err()
	}
}

// MaxMemoryBytes is the environment's peak memory from its cgroup.
func (i *instance) MaxMemoryBytes() int64 {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.final || i.cg == nil {
		return i.peak
	}
	return i.cg.peakMemory()
}

// OOMKills is how many processes the environment's memory cgroup killed.
func (i *instance) OOMKills() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.final || i.cg == nil {
		return i.ooms
	}
	return i.cg.oomKills()
}

// ListenInside listens on address in the environment's network namespace.
func (i *instance) ListenInside(address string) (net.Listener, error) {
	i.mu.Lock()
	defer i.mu.Unlock() // held so Destroy cannot close the namespace meanwhile
	if i.destroyed {
		return nil, errors.New("sandbox: ListenInside after Destroy")
	}
	return listenIn(i.netns, address)
}

// AttachUplink connects the environment's network namespace through u.
func (i *instance) AttachUplink(u sandbox.Uplink) error {
	i.mu.Lock()
	defer i.mu.Unlock() // held so Destroy cannot close the namespace meanwhile
	switch {
	case i.destroyed:
		return errors.New("sandbox: AttachUplink after Destroy")
	case i.uplink != nil:
		return errors.New("sandbox: AttachUplink called twice")
	}
	c, err := u.Attach(i.netns)
	if err != nil {
		return fmt.Errorf("attaching the uplink: %w", err)
	}
	i.uplink = c
	return nil
}

// Destroy kills the environment's processes (its PID 1, which takes the
// PID namespace with it, then whatever its cgroups still hold), waits for
// them, removes the cgroups, detaches the uplink and closes the network
// namespace, the listener and the output.
func (i *instance) Destroy() error {
	i.destroyOnce.Do(func() { i.destroyErr = i.teardown() })
	return i.destroyErr
}

func (i *instance) teardown() error {
	i.mu.Lock()
	i.destroyed = true
	control := i.control
	i.control = nil
	i.mu.Unlock()
	if control != nil {
		_ = control.Close() // an init still waiting for Start exits
	}

	var errs []error
	if i.cmd != nil {
		_ = i.cmd.Process.Kill()
		if i.cg != nil {
			if err := i.cg.kill(killTimeout); err != nil {
				errs = append(errs, err)
			}
		}
		select {
		case <-i.exited:
		case <-time.After(killTimeout):
			errs = append(errs, fmt.Errorf("sandbox %s: init process %d did not exit", i.id, i.cmd.Process.Pid))
		}
	}
	if i.cg != nil {
		peak, ooms := i.cg.peakMemory(), i.cg.oomKills()
		i.mu.Lock()
		i.peak, i.ooms, i.final = peak, ooms, true
		i.mu.Unlock()
		if err := i.cg.remove(killTimeout); err != nil {
			errs = append(errs, err)
		}
	}
	if i.taskDir != "" {
		if err := unmountAll(i.taskDir); err != nil {
			errs = append(errs, err)
		}
	}
	i.mu.Lock()
	uplink := i.uplink
	i.mu.Unlock()
	if uplink != nil {
		if err := uplink.Close(); err != nil {
			errs = append(errs, fmt.Errorf("detaching the uplink: %w", err))
		}
	}
	if i.ln != nil {
		_ = i.ln.Close()
	}
	if i.netns != nil {
		_ = i.netns.Close()
	}
	if i.status != nil {
		_ = i.status.Close()
	}
	if i.streams != nil {
		i.streams.Close(time.Second)
	}
	if err := errors.Join(errs...); err != nil {
		i.log.Warn("destroying sandbox", "id", i.id, "err", err)
		return err
	}
	return nil
}
