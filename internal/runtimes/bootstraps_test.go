package runtimes

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// tempRoot is a temporary directory the test's cleanup can remove though
// the bootstraps' directories in it are read-only (root ignores the mode;
// other users do not).
func tempRoot(t *testing.T) string {
	dir := t.TempDir()
	t.Cleanup(func() { _ = removeReadOnly(dir) }) // runs before TempDir's own cleanup
	return dir
}

func TestWriteBootstraps(t *testing.T) {
	root := filepath.Join(tempRoot(t), "runtimes")
	stale := filepath.Join(root, "0123456789abcdef", "python")
	if err := os.MkdirAll(stale, 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := WriteBootstraps(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range bootstrapFiles {
		want, _ := bootstraps.ReadFile(name)
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Readable by the sandbox user, writable by nobody.
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		want := fs.FileMode(0o444)
		if d.IsDir() {
			want = 0o555
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(stale)); !os.IsNotExist(err) {
		t.Errorf("the bootstraps of another build were kept: %v", err)
	}

	// Written again: the same directory; a damaged file is repaired.
	if again, err := WriteBootstraps(root); err != nil || again != dir {
		t.Fatalf("second write: %s, %v", again, err)
	}
	py := filepath.Join(dir, "python", "bootstrap.py")
	if err := os.Chmod(filepath.Dir(py), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(py, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(py, []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	if again, err := WriteBootstraps(root); err != nil || again != dir || !intact(dir) {
		t.Fatalf("repairing: %s, %v", again, err)
	}
}

// The bootstraps must at least parse on the oldest interpreters of the
// catalogue; the end-to-end tests run them.
func TestBootstrapsParse(t *testing.T) {
	dir, err := WriteBootstraps(tempRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	if python, err := exec.LookPath("python3"); err == nil {
		check := "import ast, sys; ast.parse(open(sys.argv[1]).read(), feature_version=(3, 9))"
		cmd := exec.Command(python, "-c", check, filepath.Join(dir, "python", "bootstrap.py"))
		cmd.Env = []string{}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("bootstrap.py is not Python 3.9: %v\n%s", err, out)
		}
	}
	if node, err := exec.LookPath("node"); err == nil {
		cmd := exec.Command(node, "--check", filepath.Join(dir, "node", "bootstrap.cjs"))
		cmd.Env = []string{}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("bootstrap.cjs does not parse: %v\n%s", err, out)
		}
	}
}
