package envs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gust/internal/keepalive"
	"gust/internal/sandbox/process"
)

// fixedPolicy always answers the same windows.
type fixedPolicy struct {
	mu      sync.Mutex
	w       keepalive.Windows
	invoked int
}

func (p *fixedPolicy) Invoked(string, time.Time, time.Time) {
	p.mu.Lock()
	p.invoked++
	p.mu.Unlock()
}

func (p *fixedPolicy) Windows(string) keepalive.Windows { return p.w }

// shellRuntime is a provided runtime in sh and curl: it echoes each event.
const shellRuntime = `#!/bin/sh
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
while true; do
  id=$(curl -sS -D - -o /tmp/event-$$ "$api/invocation/next" | tr -d '\r' | sed -n 's/^Lambda-Runtime-Aws-Request-Id: //Ip')
  curl -sS -X POST --data-binary @/tmp/event-$$ "$api/invocation/$id/response" >/dev/null
done
`

func newTestManager(t *testing.T, policy KeepAlivePolicy) (*Manager, Config) {
	t.Helper()
	backend, err := process.New(process.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte(shellRuntime), 0o755); err != nil {
		t.Fatal(err)
	}
	m := NewManager(Options{Backend: backend, IdleTimeout: time.Minute, KeepAlive: policy})
	t.Cleanup(func() { m.Close() })
	return m, Config{Function: "fn", Version: "$LATEST", RevisionID: "r1", Runtime: "provided.al2023", MemoryMB: 128, TmpMB: 512, Timeout: 5 * time.Second, CodeDir: dir, LogGroup: "/aws/lambda/fn"}
}

func invokeOnce(t *testing.T, m *Manager, cfg Config, id string) Result {
	t.Helper()
	res, err := m.Invoke(context.Background(), cfg, Invocation{RequestID: id, Payload: []byte(`{"n":1}`)})
	if err != nil || res.Err != nil {
		t.Fatalf("invoke: %v %v", err, res.Err)
	}
	return res
}

func TestPreWarmWindowUnloadsThenPreWarms(t *testing.T) {
	policy := &fixedPolicy{w: keepalive.Windows{PreWarm: 200 * time.Millisecond, KeepAlive: 5 * time.Second}}
	m, cfg := newTestManager(t, policy)
	if res := invokeOnce(t, m, cfg, "a"); res.InitDuration == 0 {
		t.Fatal("first invocation was not a cold start")
	}
	// Unloaded at once: nothing idle.
	if idle, busy := counts(m); idle != 0 || busy != 0 {
		t.Fatalf("after a pre-warm decision: %d idle, %d busy; want the environment unloaded", idle, busy)
	}
	// Pre-warmed when the window passes.
	deadline := time.Now().Add(10 * time.Second)
	for idle, _ := counts(m); idle != 1; idle, _ = counts(m) {
		if time.Now().After(deadline) {
			t.Fatal("no environment was pre-warmed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	res := invokeOnce(t, m, cfg, "b")
	if res.InitDuration != 0 || strings.Contains(string(res.Log), "Init Duration") {
		t.Fatalf("invocation on a pre-warmed environment reported init: %s", res.Log)
	}
	if policy.invoked != 2 {
		t.Fatalf("policy saw %d invocations, want 2", policy.invoked)
	}
}

func TestKeepAliveWindowBoundsIdleTime(t *testing.T) {
	policy := &fixedPolicy{w: keepalive.Windows{KeepAlive: 300 * time.Millisecond}}
	m, cfg := newTestManager(t, policy)
	invokeOnce(t, m, cfg, "a")
	if idle, _ := counts(m); idle != 1 {
		t.Fatalf("%d idle after the invocation, want 1", idle)
	}
	warm := invokeOnce(t, m, cfg, "b")
	if warm.InitDuration != 0 {
		t.Fatal("second invocation inside the keep-alive window was cold")
	}
	deadline := time.Now().Add(10 * time.Second)
	for idle, _ := counts(m); idle != 0; idle, _ = counts(m) {
		if time.Now().After(deadline) {
			t.Fatal("idle environment outlived its keep-alive window")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestMemoryBudgetEvictsIdleThenRefuses(t *testing.T) {
	m, cfg := newTestManager(t, nil)
	m.budget = 256
	other := cfg
	other.Function, other.RevisionID = "other", "r2"
	invokeOnce(t, m, cfg, "a")
	invokeOnce(t, m, other, "b")
	// A third function's environment needs room: the least recently used
	// idle one goes.
	third := cfg
	third.Function, third.RevisionID = "third", "r3"
	invokeOnce(t, m, third, "c")
	if idle, _ := counts(m); idle != 2 {
		t.Fatalf("%d idle environments within a 256 MB budget of 128 MB ones, want 2", idle)
	}
	// One larger than the whole budget cannot start, even after every idle
	// environment is given up.
	big := cfg
	big.Function, big.RevisionID, big.MemoryMB = "big", "r4", 384
	if _, err := m.Invoke(context.Background(), big, Invocation{RequestID: "d", Payload: []byte(`{}`)}); err != ErrNoCapacity {
		t.Fatalf("over-budget environment: %v, want ErrNoCapacity", err)
	}
}

// counts sums idle and busy environments over every function.
func counts(m *Manager) (idle, busy int) {
	for _, p := range m.Environments() {
		idle += p.Idle
		busy += p.Busy
	}
	return idle, busy
}
