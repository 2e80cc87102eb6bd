package codezip

import (
	"archive/zip"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func validZip(tb testing.TB) []byte {
	return buildZip(tb,
		file("bootstrap", "#!/bin/sh\n", 0o755),
		dir("lib/"),
		file("lib/x.py", "print(1)\n", 0o600),
		file("bin/tool", "tool", 0o700),
		file("readonly", "r", 0o400),
		file("groupwrite", "g", 0o666),
		file("setuid", "s", fs.ModeSetuid|0o755),
		file("windows.txt", "from windows", 0),
		file("implicit/deep/file", "deep", 0o644),
		link("lib/current", "x.py"),
		link("up", "lib/../bootstrap"),
		link("dangling", "lib/missing"),
		file(`weird\name`, "kept", 0o644),
		file("dup", "first", 0o644),
		file("dup", "second!", 0o644),
	)
}

func TestExtract(t *testing.T) {
	base := t.TempDir()
	dest := filepath.Join(base, "pkg")
	if err := Extract(validZip(t), dest, DefaultLimits); err != nil {
		t.Fatalf("Extract: %v", err)
	}

	files := map[string]struct {
		body string
		perm fs.FileMode
	}{
		"bootstrap":          {"#!/bin/sh\n", 0o755},
		"lib/x.py":           {"print(1)\n", 0o644},
		"bin/tool":           {"tool", 0o755},
		"readonly":           {"r", 0o444},
		"groupwrite":         {"g", 0o644},
		"setuid":             {"s", 0o755},
		"windows.txt":        {"from windows", 0o644},
		"implicit/deep/file": {"deep", 0o644},
		`weird\name`:         {"kept", 0o644},
		"dup":                {"second!", 0o644},
	}
	for name, want := range files {
		p := filepath.Join(dest, name)
		fi, err := os.Lstat(p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !fi.Mode().IsRegular() || fi.Mode() != want.perm {
			t.Errorf("%s: mode %v, want %v", name, fi.Mode(), want.perm)
		}
		if b, _ := os.ReadFile(p); string(b) != want.body {
			t.Errorf("%s: content %q, want %q", name, b, want.body)
		}
	}
	if fi, err := os.Stat(filepath.Join(dest, "bootstrap")); err != nil || !fi.ModTime().Equal(testTime) {
		t.Errorf("bootstrap mtime = %v, want %v (%v)", fi.ModTime(), testTime, err)
	}

	for _, d := range []string{".", "lib", "bin", "implicit", "implicit/deep"} {
		fi, err := os.Lstat(filepath.Join(dest, d))
		if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o755 {
			t.Errorf("dir %s: %v %v, want 0755 directory", d, fi.Mode(), err)
		}
	}
	for name, target := range map[string]string{
		"lib/current": "x.py",
		"up":          "lib/../bootstrap",
		"dangling":    "lib/missing",
	} {
		got, err := os.Readlink(filepath.Join(dest, name))
		if err != nil || got != target {
			t.Errorf("symlink %s -> %q (%v), want %q", name, got, err, target)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dest, "up")); err != nil || string(b) != "#!/bin/sh\n" {
		t.Errorf("reading through symlink up: %q %v", b, err)
	}
	wantOnly(t, base, "pkg")
}

func TestExtractRejectsAndLeavesNothing(t *testing.T) {
	for name, data := range badZips(t) {
		t.Run(name, func(t *testing.T) {
			base := t.TempDir()
			err := Extract(data, filepath.Join(base, "pkg"), DefaultLimits)
			wantInvalid(t, err)
			wantOnly(t, base)
		})
	}
}

func TestExtractSizeFromRealBytes(t *testing.T) {
	l := Limits{MaxZipBytes: 1 << 20, MaxUnzippedBytes: 1000}
	for name, data := range map[string][]byte{
		"lying header":   lyingZip(t, 10, 5000),
		"honest headers": buildZip(t, file("a", strings.Repeat("x", 600), 0o644), file("b", strings.Repeat("y", 600), 0o644)),
		"symlink bytes":  buildZip(t, file("a", strings.Repeat("x", 1000), 0o644), link("l", "a")),
	} {
		t.Run(name, func(t *testing.T) {
			base := t.TempDir()
			wantInvalid(t, Extract(data, filepath.Join(base, "pkg"), l))
			wantOnly(t, base)
		})
	}
}

// TestExtractFailsLate corrupts the last file written, after others are
// already on disk, and checks none of them remain.
func TestExtractFailsLate(t *testing.T) {
	data := bytes.Clone(buildZip(t,
		file("a", "first file", 0o644),
		file("b/c", "second file", 0o644),
		file("z", strings.Repeat("last file ", 100), 0o644),
	))
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	off, err := zr.File[2].DataOffset()
	if err != nil {
		t.Fatal(err)
	}
	data[off+5] ^= 0xff

	base := t.TempDir()
	wantInvalid(t, Extract(data, filepath.Join(base, "pkg"), DefaultLimits))
	wantOnly(t, base)
}

func TestExtractExistingDir(t *testing.T) {
	base := t.TempDir()
	dest := filepath.Join(base, "pkg")
	if err := os.Mkdir(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	err := Extract(validZip(t), dest, DefaultLimits)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("got %v, want fs.ErrExist", err)
	}
	wantOnly(t, base, "pkg")
	if entries, _ := os.ReadDir(dest); len(entries) != 0 {
		t.Fatalf("existing dir was written to: %v", entries)
	}
}

func TestExtractMissingParent(t *testing.T) {
	err := Extract(validZip(t), filepath.Join(t.TempDir(), "no", "pkg"), DefaultLimits)
	var zerr *Error
	if err == nil || errors.As(err, &zerr) {
		t.Fatalf("got %v, want an I/O error", err)
	}
}

// wantOnly checks dir holds exactly names: no temporary leftovers.
func wantOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, names) {
		t.Fatalf("%s holds %q, want %q", dir, got, names)
	}
}
