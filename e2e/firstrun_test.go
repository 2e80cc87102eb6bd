package e2e

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"gust/internal/gusttest"
)

// firstRun runs the gust binary as a new user would: in dir, with HOME
// there too (no ~/.aws), only the given variables, and as uid when not 0.
// The EC2 metadata endpoint points at a listener that counts connections,
// so that a probe of it is seen rather than timed.
func firstRun(t *testing.T, bin, dir string, uid uint32, imds *trap, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://" + imds.addr}, env...)
	if uid != 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// trap is a TCP listener that only counts the connections it gets.
type trap struct {
	addr string
	hits atomic.Int32
}

func newTrap(t *testing.T) *trap {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tr := &trap{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			tr.hits.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return tr
}

// TestGustFirstRun: each mistake of a first hour with the gust client
// gets a message that says what is wrong and what to do, and the EC2
// metadata service is never asked for credentials.
func TestGustFirstRun(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{NoCredentials: true}) // it writes <data-dir>/credentials
	// A copy of the binary that another user may run, in a directory that
	// user may enter.
	public, err := os.MkdirTemp("", "gust-firstrun-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(public) })
	b, err := os.ReadFile(gusttest.Binary(t))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(public, "gust")
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(public, 0o777); err != nil {
		t.Fatal(err)
	}
	imds := newTrap(t)
	endpoint := "AWS_ENDPOINT_URL=" + srv.Endpoint
	expect := func(t *testing.T, out string, err error, wants ...string) {
		t.Helper()
		if err == nil {
			t.Fatalf("gust succeeded:\n%s", out)
		}
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("output lacks %q:\n%s", w, out)
			}
		}
		if strings.Contains(strings.ToLower(out), "imds") || strings.Contains(out, "failed to refresh cached credentials") {
			t.Errorf("the SDK's credential chain leaks into the message:\n%s", out)
		}
	}

	t.Run("no credentials, server on this machine", func(t *testing.T) {
		out, err := firstRun(t, bin, t.TempDir(), 0, imds, []string{endpoint}, "ls")
		expect(t, out, err,
			"no AWS credentials are set, and Gust at "+srv.Endpoint+" runs on this machine. Paste the export lines `gust server` printed at start:",
			"export AWS_ACCESS_KEY_ID=", "export AWS_SECRET_ACCESS_KEY=",
			"gust-data/credentials is missing: set GUST_DATA_DIR to the server's --data-dir")
	})
	// No AWS_REGION either: the server's region is used.
	t.Run("no credentials, the server's file readable", func(t *testing.T) {
		out, err := firstRun(t, bin, t.TempDir(), 0, imds, []string{endpoint, "GUST_DATA_DIR=" + srv.DataDir}, "ls")
		if err != nil || !strings.Contains(out, "no AWS credentials set: using the server's, from "+filepath.Join(srv.DataDir, "credentials")) {
			t.Fatalf("gust ls with the server's file: %v\n%s", err, out)
		}
	})
	t.Run("no credentials, the server's file not readable by this user", func(t *testing.T) {
		out, err := firstRun(t, bin, public, 65534, imds, []string{endpoint, "GUST_DATA_DIR=" + srv.DataDir}, "ls")
		expect(t, out, err,
			"no AWS credentials are set, and Gust at "+srv.Endpoint+" runs on this machine.",
			"or let gust read the server's credentials file "+filepath.Join(srv.DataDir, "credentials")+": you may not read it",
			"run gust as the server's user")
	})
	keys := []string{endpoint, "AWS_ACCESS_KEY_ID=" + gusttest.AccessKeyID, "AWS_SECRET_ACCESS_KEY=wrong"}
	t.Run("wrong region", func(t *testing.T) {
		out, err := firstRun(t, bin, t.TempDir(), 0, imds, append(keys, "AWS_REGION=eu-west-1"), "ls")
		expect(t, out, err, "the Gust server at "+srv.Endpoint+" serves region us-east-1, but your AWS configuration", "says eu-west-1:", "export AWS_REGION=us-east-1")
	})
	t.Run("server not running", func(t *testing.T) {
		out, err := firstRun(t, bin, t.TempDir(), 0, imds, []string{"AWS_ENDPOINT_URL=http://127.0.0.1:1"}, "ls")
		expect(t, out, err, "cannot reach Gust at http://127.0.0.1:1: is `gust server` running? (set AWS_ENDPOINT_URL to its address)")
	})
	t.Run("endpoint is not Gust", func(t *testing.T) {
		other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "404 page not found", http.StatusNotFound)
		}))
		defer other.Close()
		out, err := firstRun(t, bin, t.TempDir(), 0, imds, []string{"AWS_ENDPOINT_URL=" + other.URL}, "deploy", t.TempDir(), "--runtime", "python3.11", "--handler", "app.handler")
		expect(t, out, err, other.URL+` does not look like a Gust server (GET /health answered 404 Not Found "404 page not found")`, "set AWS_ENDPOINT_URL to the address `gust server` printed")
	})
	if n := imds.hits.Load(); n != 0 {
		t.Errorf("the EC2 metadata endpoint was probed %d times", n)
	}
}
