package linuxns

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gust/internal/sandbox"

	"golang.org/x/sys/unix"
)

// A pooled sandbox is built before any function is chosen for it. Its
// /var/task is a slave of a host directory (the Spec's CodeDir) that is a
// shared mount of its own; Specialize mounts the function's code on that
// directory from the host side and the mount propagates into the sandbox.
// No thread of the server ever enters a sandbox's mount namespace.

// makeSharedMount turns dir into a mount point in a peer group of its own.
func makeSharedMount(dir string) error {
	if err := unix.Mount(dir, dir, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("making %s a mount point: %w", dir, err)
	}
	if err := unix.Mount("", dir, "", unix.MS_SHARED, ""); err != nil {
		_ = unmountAll(dir)
		return fmt.Errorf("making %s a shared mount: %w", dir, err)
	}
	return nil
}

// unmountAll removes every mount stacked on dir.
func unmountAll(dir string) error {
	for range 8 {
		err := unix.Unmount(dir, unix.MNT_DETACH)
		if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOENT) {
			return nil // not a mount point (any more)
		}
		if err != nil {
			return fmt.Errorf("unmounting %s: %w", dir, err)
		}
	}
	return nil
}

// SweepLeftovers unmounts and removes every directory in dir: the /var/task
// mount points of pooled sandboxes whose server was killed (a sandbox's
// own processes die with the server, but mounts in the host's namespace
// stay). A directory is removed only once nothing is mounted on it, and
// never recursively, so the code packages mounted there are left intact.
func (b *Backend) SweepLeftovers(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", dir, err)
	}
	var errs []error
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if err := unmountAll(p); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := os.Remove(p); err != nil {
			errs = append(errs, fmt.Errorf("removing %s: %w", p, err))
		}
	}
	if len(entries) > 0 {
		b.log.Info("swept leftover pooled sandbox directories", "dir", dir, "count", len(entries), "errors", len(errs))
	}
	return errors.Join(errs...)
}

// Specialize gives the pooled sandbox to one function: its code read-only
// at /var/task, and its memory limit and CPU share.
func (i *instance) Specialize(codeDir string, memoryMB int, env []string) error {
	i.mu.Lock()
	taskDir, done, control := i.taskDir, i.specialized, i.control
	i.specialized = true
	i.mu.Unlock()
	switch {
	case taskDir == "":
		return errors.New("sandbox: Specialize on a sandbox that was not pooled")
	case done:
		return errors.New("sandbox: Specialize called twice")
	}
	if memoryMB <= 0 {
		memoryMB = 128
	}
	if err := i.cg.setLimits(limits{memoryBytes: int64(memoryMB) << 20, memoryMB: memoryMB, pidsMax: i.pidsMax}); err != nil {
		return fmt.Errorf("setting the function's limits: %w", err)
	}
	// A detached read-only copy of the code, attached in one step: the
	// copy that propagates into the sandbox is read-only from the start.
	fd, err := unix.OpenTree(unix.AT_FDCWD, codeDir, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return fmt.Errorf("cloning %s: %w", codeDir, err)
	}
	defer unix.Close(fd)
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV}
	if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, &attr); err != nil {
		return fmt.Errorf("making the code read-only: %w", err)
	}
	if err := unix.MoveMount(fd, "", unix.AT_FDCWD, taskDir, unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
		return fmt.Errorf("mounting the code on %s: %w", taskDir, err)
	}
	if env == nil {
		return nil
	}
	if control == nil {
		return errors.New("sandbox: Specialize with an environment after Start")
	}
	line, err := json.Marshal(sandbox.Spec{Env: env}.Environ(RuntimeAPIAddr))
	if err != nil {
		return err
	}
	// The init process reads it before the start byte (RunInit).
	if _, err := control.Write(append(append([]byte{envByte}, line...), '\n')); err != nil {
		return fmt.Errorf("handing the environment to the sandbox init: %w", err)
	}
	return nil
}
