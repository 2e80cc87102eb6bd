package runtimes

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The bootstraps Gust writes for its Python and Node.js runtimes. Each
// runtime's directory becomes /var/runtime in its sandboxes.
//
//go:embed python/bootstrap.py node/bootstrap.cjs
var bootstraps embed.FS

var bootstrapFiles = []string{"python/bootstrap.py", "node/bootstrap.cjs"}

// WriteBootstraps writes the embedded bootstraps to a read-only directory
// under root named by their content hash, and returns that directory. A
// directory already holding exactly these files is reused; directories of
// other builds are removed.
func WriteBootstraps(root string) (string, error) {
	sum := sha256.New()
	for _, name := range bootstrapFiles {
		b, err := bootstraps.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("reading embedded %s: %w", name, err)
		}
		fmt.Fprintf(sum, "%s\x00%d\x00", name, len(b))
		sum.Write(b)
	}
	hash := hex.EncodeToString(sum.Sum(nil))[:16]
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("creating %s: %w", root, err)
	}
	dir := filepath.Join(root, hash)
	if intact(dir) {
		removeOthers(root, hash)
		return dir, nil
	}
	if err := removeReadOnly(dir); err != nil {
		return "", fmt.Errorf("removing damaged bootstraps %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(root, ".writing-")
	if err != nil {
		return "", fmt.Errorf("writing bootstraps: %w", err)
	}
	if err := writeTree(tmp); err != nil {
		_ = removeReadOnly(tmp)
		return "", fmt.Errorf("writing bootstraps: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = removeReadOnly(tmp)
		return "", fmt.Errorf("writing bootstraps: %w", err)
	}
	removeOthers(root, hash)
	return dir, nil
}

// writeTree writes every bootstrap under dir, files 0444 and directories
// 0555: the sandbox user must read them, nobody may change them.
func writeTree(dir string) error {
	for _, name := range bootstrapFiles {
		b, _ := bootstraps.ReadFile(name)
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, b, 0o444); err != nil {
			return err
		}
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		return os.Chmod(path, 0o555)
	})
}

// intact reports whether dir holds exactly the embedded files.
func intact(dir string) bool {
	for _, name := range bootstrapFiles {
		want, _ := bootstraps.ReadFile(name)
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, want) {
			return false
		}
	}
	return true
}

// removeOthers deletes the bootstraps of other builds; failures only leave
// garbage behind.
func removeOthers(root, keep string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.Name() != keep {
			_ = removeReadOnly(filepath.Join(root, e.Name()))
		}
	}
}

// removeReadOnly removes a tree whose directories are read-only.
func removeReadOnly(dir string) error {
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Chmod(path, 0o755)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.RemoveAll(dir)
}
