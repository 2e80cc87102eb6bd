package codecache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"gust/internal/codezip"
	"gust/internal/store"
)

// Source fetches a code package by the lowercase hex SHA-256 of its bytes.
// *store.Store satisfies it.
type Source interface {
	GetCode(ctx context.Context, sha256hex string) ([]byte, error)
}

// ErrInvalidSHA is returned for a name that is not a lowercase hex SHA-256.
var ErrInvalidSHA = errors.New("codecache: not a lowercase hex SHA-256")

// Cache is a directory of extracted packages. It is safe for concurrent use.
type Cache struct {
	dir string
	src Source

	mu    sync.Mutex
	calls map[string]*call // in-flight extractions by sha
	// ready holds the packages seen extracted: every invocation asks for
	// its package, and a complete directory stays until Remove, so it is
	// looked at on disk once.
	ready sync.Map // sha -> struct{}
}

// call is one extraction that concurrent callers wait for.
type call struct {
	done chan struct{} // closed when err and abandoned are set
	err  error
	// abandoned: the extracting caller's context ended, so err says
	// nothing about the package and a waiter should try itself.
	abandoned bool
}

// New returns a cache in dir (created on first use) filled from src.
func New(dir string, src Source) *Cache {
	return &Cache{dir: dir, src: src, calls: map[string]*call{}}
}

// Path returns the directory holding the unzipped package sha256hex,
// fetching and extracting it first if needed. If ctx ends while another
// caller's extraction of the same package is running, Path returns but the
// extraction goes on for the others. If the caller doing the extraction
// gives up, a waiting caller takes over.
func (c *Cache) Path(ctx context.Context, sha256hex string) (string, error) {
	if !store.ValidCodeSHA(sha256hex) {
		return "", fmt.Errorf("code %q: %w", sha256hex, ErrInvalidSHA)
	}
	dest := filepath.Join(c.dir, sha256hex)
	if _, ok := c.ready.Load(sha256hex); ok {
		return dest, nil
	}
	for {
		if present(dest) {
			c.ready.Store(sha256hex, struct{}{})
			return dest, nil
		}
		c.mu.Lock()
		cl := c.calls[sha256hex]
		if cl == nil {
			cl = &call{done: make(chan struct{})}
			c.calls[sha256hex] = cl
			c.mu.Unlock()

			cl.err = c.extract(ctx, sha256hex, dest)
			cl.abandoned = cl.err != nil && ctx.Err() != nil
			c.mu.Lock()
			delete(c.calls, sha256hex)
			c.mu.Unlock()
			close(cl.done)
			if cl.err != nil {
				return "", cl.err
			}
			return dest, nil
		}
		c.mu.Unlock()

		select {
		case <-cl.done:
		case <-ctx.Done():
			return "", fmt.Errorf("code %s: %w", sha256hex, ctx.Err())
		}
		if cl.err == nil {
			return dest, nil
		}
		if cl.abandoned && ctx.Err() == nil {
			continue
		}
		return "", cl.err
	}
}

func (c *Cache) extract(ctx context.Context, sha256hex, dest string) error {
	data, err := c.src.GetCode(ctx, sha256hex)
	if err != nil {
		return fmt.Errorf("fetching code %s: %w", sha256hex, err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != sha256hex {
		return fmt.Errorf("fetching code %s: content has SHA-256 %x", sha256hex, sum)
	}
	if err := c.ensureDir(); err != nil {
		return err
	}
	err = codezip.Extract(data, dest, codezip.DefaultLimits)
	if errors.Is(err, fs.ErrExist) && present(dest) {
		return nil // another process sharing the directory finished first
	}
	if err != nil {
		return fmt.Errorf("extracting code %s: %w", sha256hex, err)
	}
	return nil
}

// ensureDir creates the cache directory: 0711, so a sandbox user can reach
// a package it knows the name of but cannot list the others.
func (c *Cache) ensureDir() error {
	if err := os.MkdirAll(filepath.Dir(c.dir), 0o755); err != nil {
		return fmt.Errorf("creating code cache: %w", err)
	}
	err := os.Mkdir(c.dir, 0o711)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("creating code cache: %w", err)
	}
	// Mkdir's mode is subject to the umask; chmod is not.
	if err := os.Chmod(c.dir, 0o711); err != nil {
		return fmt.Errorf("creating code cache: %w", err)
	}
	return nil
}

// Remove deletes the extracted package sha256hex, if present, waiting for
// an in-flight extraction of it first. The directory is renamed away before
// it is deleted, so Path never returns a half-deleted package. The caller
// must make sure no environment still uses it.
func (c *Cache) Remove(sha256hex string) error {
	if !store.ValidCodeSHA(sha256hex) {
		return fmt.Errorf("code %q: %w", sha256hex, ErrInvalidSHA)
	}
	dest := filepath.Join(c.dir, sha256hex)
	trash, err := c.moveAway(sha256hex, dest)
	if err != nil || trash == "" {
		return err
	}
	if err := os.RemoveAll(trash); err != nil {
		return fmt.Errorf("removing code %s: %w", sha256hex, err)
	}
	return nil
}

// moveAway renames dest into a fresh hidden directory and returns that
// directory, or "" if dest does not exist. It holds c.mu while it renames so
// no extraction of sha256hex starts meanwhile, but not while deleting.
func (c *Cache) moveAway(sha256hex, dest string) (string, error) {
	for {
		c.mu.Lock()
		cl := c.calls[sha256hex]
		if cl == nil {
			break
		}
		c.mu.Unlock()
		<-cl.done
	}
	defer c.mu.Unlock()

	c.ready.Delete(sha256hex)
	if !present(dest) {
		return "", nil
	}
	trash, err := os.MkdirTemp(c.dir, "."+sha256hex+".rm-")
	if err != nil {
		return "", fmt.Errorf("removing code %s: %w", sha256hex, err)
	}
	if err := os.Rename(dest, filepath.Join(trash, "pkg")); err != nil {
		os.Remove(trash)
		return "", fmt.Errorf("removing code %s: %w", sha256hex, err)
	}
	return trash, nil
}

func present(dir string) bool {
	fi, err := os.Lstat(dir)
	return err == nil && fi.IsDir()
}
