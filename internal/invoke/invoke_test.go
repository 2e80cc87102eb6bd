package invoke_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"gust/internal/apierror"
	"gust/internal/control"
	"gust/internal/envs"
	"gust/internal/invoke"
	"gust/internal/store"
	"gust/internal/store/storetest"
)

// held is an Environments that records each invocation and, while gate is
// open (non-nil), holds it until the gate closes: a slot stays taken.
type held struct {
	mu      sync.Mutex
	calls   []call
	entered chan struct{}
	gate    chan struct{}
}

type call struct {
	cfg envs.Config
	inv envs.Invocation
}

func (h *held) Invoke(ctx context.Context, cfg envs.Config, inv envs.Invocation) (envs.Result, error) {
	h.mu.Lock()
	h.calls = append(h.calls, call{cfg, inv})
	gate := h.gate
	h.mu.Unlock()
	if gate != nil {
		h.entered <- struct{}{}
		select {
		case <-gate:
		case <-ctx.Done():
			return envs.Result{}, ctx.Err()
		}
	}
	return envs.Result{Payload: []byte(`"ok"`), Reusable: true}, nil
}
func (h *held) SyncProvisioned([]envs.Provision) {}
func (h *held) ProvisionedReady(string) int      { return 0 }

// codeDir gives every package the same directory: these tests run nothing.
type codeDir struct{}

func (codeDir) Path(context.Context, string) (string, error) { return "/nonexistent", nil }

// throttles counts refused invocations.
type throttles struct {
	mu sync.Mutex
	n  int
}

func (o *throttles) Observe(r invoke.Record) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if r.Throttled {
		o.n++
	}
}

func setup(t *testing.T, limit int) (*invoke.Service, *control.Service, *held, *throttles) {
	t.Helper()
	st := storetest.Open(t)
	tbl := func(name string) *store.Table { return storetest.Table(t, st, name) }
	ctl := control.New(control.Options{
		Functions: tbl("functions"), Versions: tbl("versions"), Aliases: tbl("aliases"), EventConfigs: tbl("eventconfigs"),
		Provisioned: tbl("provisioned"), Settings: tbl("settings"), Code: st, Region: "us-east-1", AccountID: "000000000000",
	})
	h := &held{entered: make(chan struct{}, 16)}
	obs := &throttles{}
	inv := invoke.New(invoke.Options{Functions: ctl, Code: codeDir{}, Envs: h, Region: "us-east-1", MaxConcurrency: limit, Observer: obs})
	return inv, ctl, h, obs
}

func createFunction(t *testing.T, ctl *control.Service, name string) {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, _ := w.Create("bootstrap")
	_, _ = f.Write([]byte("#!/bin/sh\n"))
	_ = w.Close()
	if _, err := ctl.Create(storetest.Context(t), control.CreateFunctionInput{FunctionName: name, Runtime: "provided.al2023",
		Role: "arn:aws:iam::000000000000:role/r", Handler: "h", Code: &control.FunctionCode{ZipFile: buf.Bytes()}}); err != nil {
		t.Fatal(err)
	}
}

// hold starts n invocations of function that stay in flight until release.
func hold(t *testing.T, inv *invoke.Service, h *held, function string, n int) (release func()) {
	t.Helper()
	gate := make(chan struct{})
	h.mu.Lock()
	h.gate = gate // the invocations started now wait for this gate
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		h.gate = nil
		h.mu.Unlock()
	}()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := inv.Invoke(context.Background(), invoke.Request{RequestID: "held", FunctionName: function}); err != nil {
				t.Errorf("held invocation of %s: %v", function, err)
			}
		}()
		select {
		case <-h.entered:
		case <-time.After(10 * time.Second):
			t.Fatal("a held invocation never reached the environments")
		}
	}
	return func() {
		close(gate)
		wg.Wait()
	}
}

func throttleReason(err error) string {
	e := apierror.As(err)
	if e.Type != "TooManyRequestsException" {
		return "not a throttle: " + err.Error()
	}
	return e.Reason
}

// Unreserved functions share what the account limit leaves after
// reservations; a reserved function runs at most its reservation, in
// capacity of its own.
func TestAdmission(t *testing.T) {
	inv, ctl, h, obs := setup(t, 3)
	ctx := storetest.Context(t)
	for _, name := range []string{"a", "b", "r"} {
		createFunction(t, ctl, name)
	}
	if _, err := ctl.PutFunctionConcurrency(ctx, "r", ptr(1)); err != nil {
		t.Fatal(err)
	}
	releaseA := hold(t, inv, h, "a", 2) // 3 - 1 reserved = 2 unreserved slots, both taken
	_, err := inv.Invoke(ctx, invoke.Request{FunctionName: "b"})
	if got := throttleReason(err); got != "ConcurrentInvocationLimitExceeded" {
		t.Errorf("third unreserved invocation: %s", got)
	}
	releaseR := hold(t, inv, h, "r", 1) // r's own slot is still free
	_, err = inv.Invoke(ctx, invoke.Request{FunctionName: "r"})
	if got := throttleReason(err); got != "ReservedFunctionConcurrentInvocationLimitExceeded" {
		t.Errorf("second invocation of r: %s", got)
	}
	releaseA()
	releaseR()
	if _, err := inv.Invoke(ctx, invoke.Request{FunctionName: "b"}); err != nil {
		t.Errorf("after release: %v", err)
	}
	if obs.n != 2 {
		t.Errorf("%d throttles observed, want 2", obs.n)
	}
}

func ptr[T any](v T) *T { return &v }

// The invoked ARN carries the qualifier the caller used; the environment
// gets the version it resolves to.
func TestQualifierResolution(t *testing.T) {
	inv, ctl, h, _ := setup(t, 10)
	ctx := storetest.Context(t)
	createFunction(t, ctl, "fn")
	if _, err := ctl.Publish(ctx, control.PublishVersionInput{FunctionName: "fn"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ctl.CreateAlias(ctx, control.AliasInput{FunctionName: "fn", Name: "live", FunctionVersion: ptr("1")}); err != nil {
		t.Fatal(err)
	}
	arn := ctl.FunctionARN("fn")
	for _, tc := range []struct {
		name, qualifier     string
		version, invokedARN string
	}{
		{"fn", "", "$LATEST", arn},
		{"fn", "$LATEST", "$LATEST", arn + ":$LATEST"},
		{"fn", "1", "1", arn + ":1"},
		{"fn", "live", "1", arn + ":live"},
		{arn + ":live", "", "1", arn + ":live"},
	} {
		h.mu.Lock()
		h.calls = nil
		h.mu.Unlock()
		resp, err := inv.Invoke(ctx, invoke.Request{FunctionName: tc.name, Qualifier: tc.qualifier})
		if err != nil {
			t.Errorf("%s (%q): %v", tc.name, tc.qualifier, err)
			continue
		}
		c := h.calls[0]
		if resp.ExecutedVersion != tc.version || c.cfg.Version != tc.version || c.inv.InvokedARN != tc.invokedARN {
			t.Errorf("%s (%q): executed %s, environment of %s invoked as %s; want %s as %s", tc.name, tc.qualifier, resp.ExecutedVersion, c.cfg.Version, c.inv.InvokedARN, tc.version, tc.invokedARN)
		}
		if !strings.HasPrefix(c.inv.TraceID, "Root=1-") {
			t.Errorf("trace id %q", c.inv.TraceID)
		}
	}
}

func TestRequestsRefusedBeforeAnythingRuns(t *testing.T) {
	inv, ctl, h, _ := setup(t, 10)
	ctx := storetest.Context(t)
	createFunction(t, ctl, "fn")
	for _, tc := range []struct {
		req     invoke.Request
		errType string
	}{
		{invoke.Request{FunctionName: "fn", InvocationType: "Later"}, "ValidationException"},
		{invoke.Request{FunctionName: "fn", LogType: "All"}, "ValidationException"},
		{invoke.Request{FunctionName: "fn", Payload: []byte("{not json")}, "InvalidRequestContentException"},
		{invoke.Request{FunctionName: "fn", ClientContext: "%%%"}, "InvalidParameterValueException"},
		{invoke.Request{FunctionName: "missing"}, "ResourceNotFoundException"},
	} {
		_, err := inv.Invoke(ctx, tc.req)
		if e := apierror.As(err); err == nil || e.Type != tc.errType {
			t.Errorf("%+v: %v, want %s", tc.req, err, tc.errType)
		}
	}
	resp, err := inv.Invoke(ctx, invoke.Request{FunctionName: "fn", InvocationType: "DryRun"})
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Errorf("DryRun: %+v, %v", resp, err)
	}
	if len(h.calls) != 0 {
		t.Errorf("%d invocations reached the environments", len(h.calls))
	}
	if errors.Is(err, apierror.ServiceException) {
		t.Error("a server error")
	}
}
