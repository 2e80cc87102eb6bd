package codecache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Merger keeps this node's merged /opt directories: the files of several
// packages (a function's layers) laid over one another in order, later
// packages replacing what earlier ones put at the same path, as Lambda
// extracts layers into /opt. Each merged directory is named by the hash of
// its packages' list, built once (files are hard links to the cache's
// copies, so a merge costs no copying) and renamed into place whole, so a
// directory that exists is complete.
type Merger struct {
	dir   string
	cache *Cache

	mu    sync.Mutex
	calls map[string]*call
}

// NewMerger returns a Merger keeping its directories in dir, built from
// packages that cache unpacks. dir must be on the cache's file system for
// hard links (else files are copied).
func NewMerger(dir string, cache *Cache) *Merger {
	return &Merger{dir: dir, cache: cache, calls: map[string]*call{}}
}

// MergedName is the name of the merged directory of packages shas.
func MergedName(shas []string) string {
	sum := sha256.Sum256([]byte(strings.Join(shas, "\n")))
	return hex.EncodeToString(sum[:])
}

// Path returns the merged directory of packages shas (in order), building
// it first if needed.
func (m *Merger) Path(ctx context.Context, shas []string) (string, error) {
	for _, sha := range shas {
		if _, err := m.cache.Path(ctx, sha); err != nil {
			return "", err
		}
	}
	name := MergedName(shas)
	dest := filepath.Join(m.dir, name)
	if present(dest) {
		return dest, nil
	}
	m.mu.Lock()
	cl := m.calls[name]
	if cl == nil {
		cl = &call{done: make(chan struct{})}
		m.calls[name] = cl
		m.mu.Unlock()
		cl.err = m.build(shas, dest)
		m.mu.Lock()
		delete(m.calls, name)
		m.mu.Unlock()
		close(cl.done)
		if cl.err != nil {
			return "", cl.err
		}
		return dest, nil
	}
	m.mu.Unlock()
	select {
	case <-cl.done:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	if cl.err != nil {
		return "", cl.err
	}
	return dest, nil
}

// Remove deletes the merged directory of packages shas, if present. The
// caller must make sure no environment still uses it.
func (m *Merger) Remove(shas []string) error {
	dest := filepath.Join(m.dir, MergedName(shas))
	if !present(dest) {
		return nil
	}
	trash, err := os.MkdirTemp(m.dir, ".rm-")
	if err != nil {
		return err
	}
	if err := os.Rename(dest, filepath.Join(trash, "opt")); err != nil {
		os.Remove(trash)
		return err
	}
	return os.RemoveAll(trash)
}

func (m *Merger) build(shas []string, dest string) error {
	if err := os.MkdirAll(m.dir, 0o711); err != nil {
		return fmt.Errorf("creating merged /opt directory: %w", err)
	}
	if err := os.Chmod(m.dir, 0o711); err != nil {
		return fmt.Errorf("creating merged /opt directory: %w", err)
	}
	tmp, err := os.MkdirTemp(m.dir, ".build-")
	if err != nil {
		return fmt.Errorf("creating merged /opt directory: %w", err)
	}
	defer os.RemoveAll(tmp) // after a successful rename, nothing is left here
	out := filepath.Join(tmp, "opt")
	if err := os.Mkdir(out, 0o755); err != nil {
		return err
	}
	if err := os.Chmod(out, 0o755); err != nil {
		return err
	}
	for _, sha := range shas {
		src := filepath.Join(m.cache.dir, sha)
		if err := overlay(src, out); err != nil {
			return fmt.Errorf("merging package %s into /opt: %w", sha, err)
		}
	}
	if err := os.Rename(out, dest); err != nil {
		if present(dest) {
			return nil // another process finished first
		}
		return fmt.Errorf("merging /opt: %w", err)
	}
	return nil
}

// overlay lays the tree src over dst: directories are merged, anything
// else replaces what dst has at the same path.
func overlay(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil || rel == "." {
			return err
		}
		target := filepath.Join(dst, rel)
		existing, statErr := os.Lstat(target)
		if d.IsDir() {
			if statErr == nil && existing.IsDir() {
				return nil
			}
			if statErr == nil {
				if err := os.Remove(target); err != nil {
					return err
				}
			}
			if err := os.Mkdir(target, 0o755); err != nil {
				return err
			}
			return os.Chmod(target, 0o755)
		}
		if statErr == nil {
			if err := os.RemoveAll(target); err != nil {
				return err
			}
		}
		if d.Type()&fs.ModeSymlink != 0 {
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		}
		if err := os.Link(path, target); err == nil {
			return nil
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Chmod(dst, fi.Mode().Perm())
}
