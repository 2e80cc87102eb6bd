package gusttest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// Test credentials every server started here accepts.
const (
	AccessKeyID     = "AKGUTESTTESTTESTTEST"
	SecretAccessKey = "gusttestsecretgusttestsecretgusttestsecr"
	Region          = "us-east-1"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// ModuleRoot is the directory holding go.mod.
func ModuleRoot(t testing.TB) string {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// Binary builds the gust binary once per test process and returns its path.
func Binary(t testing.TB) string {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gust-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "gust")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/gust")
		cmd.Dir = ModuleRoot(t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Options adjust a server.
type Options struct {
	DataDir string   // default: a new t.TempDir()
	Args    []string // extra flags
	// NoCredentials starts the server without GUST_ACCESS_KEY_ID, so it
	// generates its own.
	NoCredentials bool
	// StrictRoles starts the server without --any-role: a function's role
	// must exist and trust Lambda, and functions have only their role's
	// permissions. Without it, tests may name any role ARN, as before IAM.
	StrictRoles bool
}

// Server is a running gust server.
type Server struct {
	Endpoint string
	DataDir  string
	opts     Options
	cmd      *exec.Cmd
	t        testing.TB

	mu     sync.Mutex
	stdout strings.Builder
	stderr strings.Builder
	done   chan struct{}
}

// Start runs a gust server and waits until /health answers.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	s := &Server{DataDir: opts.DataDir, opts: opts, t: t}
	s.start()
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("gust server output:\n%s", s.Logs())
		}
	})
	return s
}

func (s *Server) start() {
	t := s.t
	t.Helper()
	args := append([]string{"server", "--listen", "127.0.0.1:0", "--data-dir", s.DataDir, "--log-level", "debug"}, s.opts.Args...)
	if !s.opts.StrictRoles {
		args = append(args, "--any-role")
	}
	cmd := exec.Command(Binary(t), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	if !s.opts.NoCredentials {
		cmd.Env = append(cmd.Env, "GUST_ACCESS_KEY_ID="+AccessKeyID, "GUST_SECRET_ACCESS_KEY="+SecretAccessKey)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting gust: %v", err)
	}
	s.cmd = cmd
	s.done = make(chan struct{})
	endpoint := make(chan string, 1)
	var readers sync.WaitGroup
	readers.Add(2)
	go func() {
		defer readers.Done()
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			s.append(&s.stdout, line)
			if rest, ok := strings.CutPrefix(line, "Gust is listening on "); ok {
				endpoint <- rest
			}
		}
	}()
	go func() {
		defer readers.Done()
		s.copyLines(&s.stderr, stderr)
	}()
	go func() {
		readers.Wait()
		_ = cmd.Wait()
		close(s.done)
	}()
	select {
	case s.Endpoint = <-endpoint:
	case <-s.done:
		t.Fatalf("gust exited before listening:\n%s", s.Logs())
	case <-time.After(60 * time.Second):
		t.Fatalf("gust did not start in 60 s:\n%s", s.Logs())
	}
	WaitFor(t, 10*time.Second, "health", func() bool {
		resp, err := http.Get(s.Endpoint + "/health")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

func (s *Server) copyLines(dst *strings.Builder, r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		s.append(dst, sc.Text())
	}
}

func (s *Server) append(dst *strings.Builder, line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dst.WriteString(line)
	dst.WriteByte('\n')
}

// PID is the server process's id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Stdout is what the server printed on standard output so far.
func (s *Server) Stdout() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stdout.String()
}

// Logs is everything the server printed so far.
func (s *Server) Logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stdout.String() + s.stderr.String()
}

// Stop shuts the server down gracefully (SIGTERM) and waits.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
		s.t.Errorf("gust did not stop within 20 s of SIGTERM")
	}
	s.cmd = nil
}

// Kill stops the server with SIGKILL, as a crash would.
func (s *Server) Kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Restart starts the server again on the same data directory (new port).
func (s *Server) Restart() {
	s.Stop()
	s.start()
}

// Start starts a stopped or killed server again on the same data
// directory.
func (s *Server) Start() {
	if s.cmd != nil {
		s.t.Fatal("gust server is already running")
	}
	s.start()
}

// Lambda returns an aws-sdk-go-v2 Lambda client for this server.
func (s *Server) Lambda() *lambda.Client {
	return lambda.New(lambda.Options{
		Region:           Region,
		BaseEndpoint:     aws.String(s.Endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		RetryMaxAttempts: 1,
	})
}

// WaitFor polls cond until it is true or timeout passes.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Context is a test context that ends with the test.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
