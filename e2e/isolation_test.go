package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"gust/internal/gusttest"
)

type probeResult struct {
	UID       int             `json:"uid"`
	Pid       int             `json:"pid"`
	Readable  map[string]bool `json:"readable"`
	WriteTask bool            `json:"writeTask"`
	WriteRoot bool            `json:"writeRoot"`
	WriteTmp  bool            `json:"writeTmp"`
	Processes int             `json:"processes"`
	Dialed    bool            `json:"dialed"`
	Mount     bool            `json:"mount"`
}

// TestIsolationFromInside probes the sandbox from inside a function.
func TestIsolationFromInside(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "namespace"}})
	c := srv.Lambda()
	createFunction(t, c, "prober", goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(20) })
	createFunction(t, c, "neighbour", goFunctionZip(t))

	// The neighbour leaves a file in its /tmp.
	invokeJSON(t, c, "neighbour", map[string]any{"action": "state"}, nil)

	// A secret on the host, outside every data and code directory.
	secretDir := t.TempDir()
	secret := filepath.Join(secretDir, "secret.txt")
	if err := os.WriteFile(secret, []byte("host secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	paths := []string{"/etc/shadow", "/root", "/home", secret, secretDir, srv.DataDir, filepath.Join(srv.DataDir, "credentials"), "/tmp/state", "/var/task/bootstrap", "/usr/bin/env"}
	var p probeResult
	invokeJSON(t, c, "prober", map[string]any{"action": "probe", "paths": paths, "arg": strings.TrimPrefix(srv.Endpoint, "http://")}, &p)

	if p.UID == 0 {
		t.Error("function runs as root")
	}
	if p.Pid != 1 || p.Processes > 2 {
		t.Errorf("not in its own PID namespace: pid %d, %d processes visible", p.Pid, p.Processes)
	}
	if p.WriteTask || p.WriteRoot {
		t.Errorf("/var/task writable %v, / writable %v", p.WriteTask, p.WriteRoot)
	}
	if !p.WriteTmp {
		t.Error("/tmp is not writable")
	}
	for _, hidden := range []string{"/etc/shadow", "/root", "/home", secret, secretDir, srv.DataDir, filepath.Join(srv.DataDir, "credentials"), "/tmp/state"} {
		if p.Readable[hidden] {
			t.Errorf("%s is readable from inside the function", hidden)
		}
	}
	if !p.Readable["/var/task/bootstrap"] || !p.Readable["/usr/bin/env"] {
		t.Errorf("the function cannot read its own code or system tools: %v", p.Readable)
	}
	if p.Dialed {
		t.Errorf("the function reached the Gust API at %s from inside its sandbox", srv.Endpoint)
	}
	if p.Mount {
		t.Error("mount succeeded inside the sandbox")
	}
}

// TestForkBombIsContained runs a fork bomb and checks the pids limit stops
// it while the server keeps serving.
func TestForkBombIsContained(t *testing.T) {
	srv := gusttest.Start(t, gusttest.Options{Args: []string{"--isolation", "namespace"}})
	c := srv.Lambda()
	createFunction(t, c, "bomb", goFunctionZip(t), func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(60); in.MemorySize = aws.Int32(1024) })
	var got struct {
		Started int    `json:"started"`
		Error   string `json:"error"`
	}
	invokeJSON(t, c, "bomb", map[string]any{"action": "forkbomb", "n": 5000}, &got)
	if got.Started >= 5000 || got.Error == "" {
		t.Fatalf("fork bomb was not stopped: started %d, error %q", got.Started, got.Error)
	}
	resp, err := http.Get(srv.Endpoint + "/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("server unhealthy after the fork bomb: %v", err)
	}
	resp.Body.Close()
	var echoed map[string]any
	invokeJSON(t, c, "bomb", map[string]any{"action": "echo", "arg": fmt.Sprint(got.Started)}, &echoed)
	if echoed["arg"] != fmt.Sprint(got.Started) {
		t.Fatalf("function unusable after fork bomb: %v", echoed)
	}
}
