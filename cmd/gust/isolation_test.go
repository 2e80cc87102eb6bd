//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gust/internal/sandbox"
	"gust/internal/sandbox/linuxns"
)

// TestMain lets a namespace sandbox re-execute the test binary as its init.
func TestMain(m *testing.M) {
	if linuxns.IsInit() {
		os.Exit(linuxns.RunInit())
	}
	os.Exit(m.Run())
}

func testLogger() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, nil)), &buf
}

func TestChooseProcessWarns(t *testing.T) {
	log, buf := testLogger()
	b, err := chooseBackend("process", log)
	if err != nil {
		t.Fatal(err)
	}
	if b.Isolation() != (sandbox.Isolation{}) {
		t.Errorf("process backend claims isolation: %+v", b.Isolation())
	}
	if !strings.Contains(buf.String(), "level=WARN") || !strings.Contains(buf.String(), "NOT isolated") {
		t.Errorf("no loud warning: %s", buf.String())
	}
}

func TestChooseRejectsUnknownMode(t *testing.T) {
	if _, err := chooseBackend("vm", slog.New(slog.DiscardHandler)); err == nil {
		t.Error("Choose accepted an unknown mode")
	}
}

// Auto picks namespace exactly when the host supports it, and the chosen
// backend runs a bootstrap either way.
func TestChooseAuto(t *testing.T) {
	log, buf := testLogger()
	b, err := chooseBackend("auto", log)
	if err != nil {
		t.Fatal(err)
	}
	want := sandbox.Isolation{}
	if linuxns.Available() == nil {
		want = sandbox.Isolation{Contained: true, OwnNetwork: true}
	}
	if b.Isolation() != want {
		t.Fatalf("auto chose %s with %+v, want %+v; log: %s", b.Name(), b.Isolation(), want, buf.String())
	}
	t.Logf("auto: %s", buf.String())

	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("#!/bin/sh\necho \"hello $NAME\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	inst, err := b.Create(context.Background(), sandbox.Spec{
		ID: "choose-auto", CodeDir: dir, Command: []string{"/var/task/bootstrap"},
		Env: []string{"NAME=sandbox"}, MemoryMB: 128, TmpMB: 64, Stdout: &out,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := inst.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-inst.Exited():
	case <-time.After(10 * time.Second):
		t.Fatal("bootstrap did not exit")
	}
	if err := inst.Destroy(); err != nil { // also waits for the output
		t.Fatal(err)
	}
	if got := out.String(); got != "hello sandbox\n" {
		t.Errorf("output %q", got)
	}

	inst, err = b.Create(context.Background(), sandbox.Spec{
		ID: "choose-auto2", CodeDir: dir, Command: []string{"/var/task/missing"}, MemoryMB: 128, TmpMB: 64,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Destroy()
	if err := inst.Start(); !errors.Is(err, sandbox.ErrInvalidEntrypoint) {
		t.Errorf("Start = %v, want ErrInvalidEntrypoint", err)
	}
}
