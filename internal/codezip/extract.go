package codezip

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// Extract validates data like Inspect and unpacks it into dir, whose parent
// must exist and which itself must not (else an error matching fs.ErrExist).
// It writes into a temporary sibling of dir and renames it into place, so
// dir either holds the whole package or nothing, and a failure leaves no
// trace. Package problems are *Error; anything else is an I/O error.
func Extract(data []byte, dir string, l Limits) error {
	l = l.withDefaults()
	p, err := scan(data, l)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(dir); err == nil {
		return fmt.Errorf("extracting to %s: %w", dir, fs.ErrExist)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("extracting to %s: %w", dir, err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	if err := writeTree(tmp, p, l); err != nil {
		return err
	}
	if err := os.Chmod(tmp, dirPerm); err != nil {
		return fmt.Errorf("extracting to %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("extracting to %s: %w", dir, err) // ENOTEMPTY is fs.ErrExist
	}
	done = true
	return nil
}

// writeTree writes p's entries below dir. Every operation goes through an
// os.Root, so nothing can land outside dir; on top of that, files are
// created with O_EXCL (never opening an existing path, so never following a
// symlink), parents are checked to be real directories, and symlinks are
// created last, after everything that could have been written through them.
func writeTree(dir string, p *plan, l Limits) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("extracting: %w", err)
	}
	defer root.Close()
	t := &tree{root: root, made: map[string]bool{".": true}}

	var total int64
	for _, e := range p.entries {
		switch e.kind {
		case kindDir:
			if err := t.mkdirAll(e.name); err != nil {
				return err
			}
		case kindFile:
			n, err := t.writeFile(e, l.MaxUnzippedBytes-total, l)
			total += n
			if err != nil {
				return err
			}
		}
	}
	for _, e := range p.entries {
		if e.kind != kindSymlink {
			continue
		}
		if total += int64(len(e.target)); total > l.MaxUnzippedBytes {
			return errUnzippedSize(l)
		}
		if err := t.mkdirAll(path.Dir(e.name)); err != nil {
			return err
		}
		if err := root.Symlink(e.target, e.name); err != nil {
			return fmt.Errorf("extracting %s: %w", e.name, err)
		}
	}
	// Directories were created owner-only so that nothing is visible
	// half-written; open them up now.
	for d := range t.made {
		if err := root.Chmod(d, dirPerm); err != nil {
			return fmt.Errorf("extracting %s: %w", d, err)
		}
	}
	return nil
}

type tree struct {
	root *os.Root
	made map[string]bool // directories known to be real directories
}

func (t *tree) mkdirAll(name string) error {
	if t.made[name] {
		return nil
	}
	if err := t.mkdirAll(path.Dir(name)); err != nil {
		return err
	}
	err := t.root.Mkdir(name, 0o700)
	if errors.Is(err, fs.ErrExist) {
		fi, lerr := t.root.Lstat(name)
		if lerr != nil {
			return fmt.Errorf("extracting %s: %w", name, lerr)
		}
		if !fi.IsDir() { // scan rules this out; never write through it
			return errUnzip("%q is not a directory", name)
		}
		err = nil
	}
	if err != nil {
		return fmt.Errorf("extracting %s: %w", name, err)
	}
	t.made[name] = true
	return nil
}

func (t *tree) writeFile(e *entry, remaining int64, l Limits) (int64, error) {
	if err := t.mkdirAll(path.Dir(e.name)); err != nil {
		return 0, err
	}
	f, err := t.root.OpenFile(e.name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, fmt.Errorf("extracting %s: %w", e.name, err)
	}
	n, err := copyLimited(f, e, remaining, l)
	if err == nil {
		err = f.Chmod(e.perm)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && !e.mtime.IsZero() {
		// Keeps bundled .pyc files valid against their sources.
		err = t.root.Chtimes(e.name, e.mtime, e.mtime)
	}
	var zerr *Error
	if err != nil && !errors.As(err, &zerr) {
		err = fmt.Errorf("extracting %s: %w", e.name, err)
	}
	return n, err
}
