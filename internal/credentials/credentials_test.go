package credentials

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreateGeneratesOnceWithPrivateMode(t *testing.T) {
	dir := t.TempDir()
	first, created, err := LoadOrCreate(dir)
	if err != nil || !created {
		t.Fatalf("first LoadOrCreate = %v, created=%v", err, created)
	}
	if len(first.AccessKeyID) != 20 || len(first.SecretAccessKey) != 40 {
		t.Fatalf("unexpected key shapes: %q / %d chars", first.AccessKeyID, len(first.SecretAccessKey))
	}
	st, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials mode = %v, want 0600", st.Mode().Perm())
	}
	again, created, err := LoadOrCreate(dir)
	if err != nil || created {
		t.Fatalf("second LoadOrCreate = %v, created=%v", err, created)
	}
	if again != first {
		t.Fatalf("second load %+v differs from first %+v", again, first)
	}
}

func TestLoadRejectsIncompleteFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("[default]\naws_access_key_id = X\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreate(dir); err == nil {
		t.Fatal("incomplete credentials file was accepted")
	}
}
