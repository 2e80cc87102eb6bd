package codecache

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"gust/internal/codezip"
	"gust/internal/store"
	"gust/internal/store/storetest"
)

// counting wraps the real store to count fetches and, optionally, hold
// them until released.
type counting struct {
	*store.Store
	fetches atomic.Int32
	started chan struct{} // receives once per fetch, if non-nil
	release chan struct{} // fetches wait for it (or ctx), if non-nil
}

func (c *counting) GetCode(ctx context.Context, sha string) ([]byte, error) {
	c.fetches.Add(1)
	if c.started != nil {
		c.started <- struct{}{}
	}
	if c.release != nil {
		select {
		case <-c.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return c.Store.GetCode(ctx, sha)
}

func testZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	add := func(name, body string, mode fs.FileMode) {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(mode)
		fw, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(body))
	}
	add("bootstrap", "#!/bin/sh\necho hi\n", 0o755)
	add("src/handler.py", "def handler(e, c): return e\n", 0o600)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func putCode(t *testing.T, s *store.Store, data []byte) string {
	t.Helper()
	sha, err := s.PutCode(storetest.Context(t), data)
	if err != nil {
		t.Fatal(err)
	}
	return sha
}

func TestPath(t *testing.T) {
	ctx := storetest.Context(t)
	src := &counting{Store: storetest.Open(t)}
	sha := putCode(t, src.Store, testZip(t))
	dir := filepath.Join(t.TempDir(), "data", "code")
	c := New(dir, src)

	p, err := c.Path(ctx, sha)
	if err != nil {
		t.Fatalf("Path: %v", err)
	}
	if p != filepath.Join(dir, sha) {
		t.Fatalf("Path = %s, want %s", p, filepath.Join(dir, sha))
	}
	if b, err := os.ReadFile(filepath.Join(p, "src", "handler.py")); err != nil || string(b) != "def handler(e, c): return e\n" {
		t.Fatalf("handler.py = %q, %v", b, err)
	}
	for name, want := range map[string]fs.FileMode{
		dir:                                fs.ModeDir | 0o711,
		p:                                  fs.ModeDir | 0o755,
		filepath.Join(p, "src"):            fs.ModeDir | 0o755,
		filepath.Join(p, "bootstrap"):      0o755,
		filepath.Join(p, "src/handler.py"): 0o644,
	} {
		fi, err := os.Lstat(name)
		if err != nil || fi.Mode() != want {
			t.Errorf("%s: mode %v (%v), want %v", name, fi.Mode(), err, want)
		}
	}

	p2, err := c.Path(ctx, sha)
	if err != nil || p2 != p {
		t.Fatalf("second Path = %s, %v", p2, err)
	}
	if n := src.fetches.Load(); n != 1 {
		t.Fatalf("fetched %d times, want 1", n)
	}

	// A new Cache on the same directory (a restart) reuses the extraction.
	if p3, err := New(dir, src).Path(ctx, sha); err != nil || p3 != p {
		t.Fatalf("Path after restart = %s, %v", p3, err)
	}
	if n := src.fetches.Load(); n != 1 {
		t.Fatalf("fetched %d times after restart, want 1", n)
	}
}

func TestPathSharesOneExtraction(t *testing.T) {
	ctx := storetest.Context(t)
	src := &counting{Store: storetest.Open(t), started: make(chan struct{}, 1), release: make(chan struct{})}
	sha := putCode(t, src.Store, testZip(t))
	c := New(filepath.Join(t.TempDir(), "code"), src)

	const n = 20
	var wg sync.WaitGroup
	paths := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { paths[i], errs[i] = c.Path(ctx, sha) })
	}
	<-src.started // one caller is fetching and held; the rest pile up
	close(src.release)
	wg.Wait()

	for i := range n {
		if errs[i] != nil || paths[i] != filepath.Join(c.dir, sha) {
			t.Fatalf("caller %d: %s, %v", i, paths[i], errs[i])
		}
	}
	if got := src.fetches.Load(); got != 1 {
		t.Fatalf("fetched %d times, want 1", got)
	}
}

func TestPathTakesOverWhenLeaderGivesUp(t *testing.T) {
	ctx := storetest.Context(t)
	src := &counting{Store: storetest.Open(t), started: make(chan struct{}, 2), release: make(chan struct{})}
	sha := putCode(t, src.Store, testZip(t))
	c := New(filepath.Join(t.TempDir(), "code"), src)

	leaderCtx, cancelLeader := context.WithCancel(ctx)
	leaderErr := make(chan error, 1)
	go func() {
		_, err := c.Path(leaderCtx, sha)
		leaderErr <- err
	}()
	<-src.started // the leader is fetching

	followerPath := make(chan string, 1)
	go func() {
		p, err := c.Path(ctx, sha)
		if err != nil {
			t.Errorf("follower: %v", err)
		}
		followerPath <- p
	}()
	cancelLeader()
	if err := <-leaderErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader: got %v, want context.Canceled", err)
	}
	<-src.started // the follower fetches again itself
	close(src.release)
	if p := <-followerPath; p != filepath.Join(c.dir, sha) {
		t.Fatalf("follower path = %q", p)
	}
}

func TestPathErrors(t *testing.T) {
	ctx := storetest.Context(t)
	s := storetest.Open(t)
	dir := filepath.Join(t.TempDir(), "code")
	c := New(dir, s)

	if _, err := c.Path(ctx, "../../etc"); !errors.Is(err, ErrInvalidSHA) {
		t.Fatalf("bad name: got %v, want ErrInvalidSHA", err)
	}
	missing := "0000000000000000000000000000000000000000000000000000000000000000"
	if _, err := c.Path(ctx, missing); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing: got %v, want store.ErrNotFound", err)
	}

	notZip := putCode(t, s, []byte("not a zip"))
	_, err := c.Path(ctx, notZip)
	var zerr *codezip.Error
	if !errors.As(err, &zerr) {
		t.Fatalf("not a zip: got %v, want *codezip.Error", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("failed extraction left %v", entries)
	}
}

func TestRemove(t *testing.T) {
	ctx := storetest.Context(t)
	src := &counting{Store: storetest.Open(t)}
	sha := putCode(t, src.Store, testZip(t))
	dir := filepath.Join(t.TempDir(), "code")
	c := New(dir, src)

	if err := c.Remove(sha); err != nil {
		t.Fatalf("Remove before Path: %v", err)
	}
	p, err := c.Path(ctx, sha)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(sha); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("package still there: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("Remove left %v", entries)
	}
	if _, err := c.Path(ctx, sha); err != nil {
		t.Fatalf("Path after Remove: %v", err)
	}
	if n := src.fetches.Load(); n != 2 {
		t.Fatalf("fetched %d times, want 2", n)
	}
	if err := c.Remove("nope"); !errors.Is(err, ErrInvalidSHA) {
		t.Fatalf("Remove bad name: got %v", err)
	}
}

// TestUnprivilegedAccess checks, as the sandbox's uid 993, that a package
// is readable and executable while the cache directory is not listable.
func TestUnprivilegedAccess(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("root-only test: it runs a command as the sandbox's uid")
	}
	ctx := storetest.Context(t)
	s := storetest.Open(t)
	sha := putCode(t, s, testZip(t))
	base := t.TempDir()
	// t.TempDir's own directories are 0700; open them to traversal only.
	for d := base; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(base, "code")
	p, err := New(dir, s).Path(ctx, sha)
	if err != nil {
		t.Fatal(err)
	}

	asSandbox := func(name string, args ...string) error {
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Env = []string{"PATH=/usr/bin:/bin"}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 993, Gid: 993}}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Logf("%s %v: %s", name, args, out)
		}
		return err
	}
	if err := asSandbox("/bin/sh", "-c", "cat "+filepath.Join(p, "src/handler.py")+" && ls "+p); err != nil {
		t.Fatalf("uid 993 cannot read the package: %v", err)
	}
	if err := asSandbox(filepath.Join(p, "bootstrap")); err != nil {
		t.Fatalf("uid 993 cannot run bootstrap: %v", err)
	}
	if err := asSandbox("/bin/ls", dir); err == nil {
		t.Fatal("uid 993 can list the cache directory")
	}
}
