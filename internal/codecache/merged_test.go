package codecache

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"gust/internal/store/storetest"
)

// zipOf builds a package from name → body; a body "->x" is a symlink to x
// and a name ending in / a directory.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for name, body := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		switch {
		case name[len(name)-1] == '/':
			h.SetMode(os.ModeDir | 0o755)
		case len(body) > 2 && body[:2] == "->":
			h.SetMode(os.ModeSymlink | 0o777)
			body = body[2:]
		default:
			h.SetMode(0o644)
		}
		fw, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(body))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestMergerLaysPackagesOverEachOtherInOrder(t *testing.T) {
	st := storetest.Open(t)
	ctx := storetest.Context(t)
	root := t.TempDir()
	cache := New(filepath.Join(root, "code"), st)
	m := NewMerger(filepath.Join(root, "opt"), cache)

	first, _ := st.PutCode(ctx, zipOf(t, map[string]string{
		"python/lib.py": "first", "python/only_first.py": "1", "bin/tool": "v1", "shared": "a file first",
	}))
	second, _ := st.PutCode(ctx, zipOf(t, map[string]string{
		"python/lib.py": "second", "bin/tool": "v2", "shared/inside": "a dir second", "link": "->python/lib.py",
	}))

	dir, err := m.Path(ctx, []string{first, second})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"python/lib.py": "second", "python/only_first.py": "1", "bin/tool": "v2", "shared/inside": "a dir second", "link": "second",
	}
	for name, body := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != body {
			t.Errorf("%s = %q, %v; want %q", name, got, err, body)
		}
	}
	// The other order gives the other winner, in a directory of its own.
	other, err := m.Path(ctx, []string{second, first})
	if err != nil {
		t.Fatal(err)
	}
	if other == dir {
		t.Fatal("two orders share one directory")
	}
	if got, _ := os.ReadFile(filepath.Join(other, "python/lib.py")); string(got) != "first" {
		t.Errorf("reversed: python/lib.py = %q, want first", got)
	}
	if fi, err := os.Lstat(filepath.Join(other, "shared")); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("reversed: shared should be the first package's file: %v %v", fi, err)
	}
	// Built once: a second call returns the same directory untouched.
	again, err := m.Path(ctx, []string{first, second})
	if err != nil || again != dir {
		t.Fatalf("again: %s %v", again, err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("merged dir mode: %v %v", fi, err)
	}
	if err := m.Remove([]string{first, second}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("after Remove: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(root, "opt"))
	if len(entries) != 1 { // only the reversed merge is left: no temporary directories
		t.Errorf("opt holds %d entries, want 1", len(entries))
	}
}
