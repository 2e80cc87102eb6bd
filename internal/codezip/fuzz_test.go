package codezip

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// fuzzLimits keep each fuzz run small and fast.
var fuzzLimits = Limits{MaxZipBytes: 1 << 20, MaxUnzippedBytes: 1 << 20}

func addSeeds(f *testing.F) {
	f.Add(validZip(f))
	f.Add(buildZip(f))
	for _, data := range badZips(f) {
		f.Add(data)
	}
}

// FuzzInspect: Inspect never panics and fails only with *Error.
func FuzzInspect(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Inspect(data, fuzzLimits)
		if err != nil {
			var zerr *Error
			if !errors.As(err, &zerr) {
				t.Fatalf("Inspect returned %T %v, want *Error", err, err)
			}
			return
		}
		if info.UnzippedBytes > fuzzLimits.MaxUnzippedBytes {
			t.Fatalf("accepted %d bytes over the limit", info.UnzippedBytes)
		}
	})
}

// FuzzExtract: Extract never writes outside its destination, leaves nothing
// behind when it fails, and agrees with Inspect.
func FuzzExtract(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		base := t.TempDir()
		root := filepath.Join(base, "root")
		if err := os.Mkdir(root, 0o755); err != nil {
			t.Fatal(err)
		}
		err := Extract(data, filepath.Join(root, "pkg"), fuzzLimits)
		_, ierr := Inspect(data, fuzzLimits)
		if (err == nil) != (ierr == nil) {
			t.Fatalf("Extract: %v, but Inspect: %v", err, ierr)
		}
		wantOnly(t, base, "root")
		if err != nil {
			wantOnly(t, root)
			return
		}
		wantOnly(t, root, "pkg")
		// Every symlink must resolve inside the package, if it resolves.
		pkg, err := filepath.EvalSymlinks(filepath.Join(root, "pkg"))
		if err != nil {
			t.Fatal(err)
		}
		filepath.WalkDir(pkg, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.Type()&os.ModeSymlink == 0 {
				return err
			}
			real, err := filepath.EvalSymlinks(p)
			if err != nil {
				return nil // dangling or looping: harmless
			}
			if rel, err := filepath.Rel(pkg, real); err != nil || !filepath.IsLocal(rel) && rel != "." {
				t.Fatalf("symlink %s resolves to %s, outside the package", p, real)
			}
			return nil
		})
	})
}
