package main

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestZipDirKeepsModesAndSkipsHidden(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(name), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("bootstrap", 0o755)
	write("app.py", 0o644)
	write("pkg/mod.py", 0o644)
	write(".git/config", 0o644)
	write("pkg/__pycache__/mod.cpython-311.pyc", 0o644)
	write(".env", 0o600)

	b, n, err := zipDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name == "bootstrap" && f.Mode().Perm() != 0o755 {
			t.Errorf("bootstrap mode %v, want 0755", f.Mode())
		}
		if f.Name == "app.py" && f.Mode().Perm() != 0o644 {
			t.Errorf("app.py mode %v, want 0644", f.Mode())
		}
	}
	sort.Strings(names)
	if got := strings.Join(names, " "); got != "app.py bootstrap pkg/mod.py" || n != 3 {
		t.Fatalf("zipped %q (%d files)", got, n)
	}
	if _, _, err := zipDir(t.TempDir()); err == nil {
		t.Fatal("an empty folder zipped without error")
	}
}

func TestSnapshotSeesChanges(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "app.py")
	if err := os.WriteFile(p, []byte("v1"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, _ := snapshot(dir)
	if err := os.WriteFile(p, []byte("v22"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, _ := snapshot(dir)
	if a == b {
		t.Fatal("snapshot did not change after an edit")
	}
	if err := os.WriteFile(filepath.Join(dir, ".swp"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, _ := snapshot(dir); c != b {
		t.Fatal("a hidden file changed the snapshot")
	}
}
