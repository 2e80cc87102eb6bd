package sandbox_test

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

func TestMain(m *testing.M) {
	if linuxns.IsInit() {
		os.Exit(linuxns.RunInit())
	}
	os.Exit(m.Run())
}

func logger() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, nil)), &buf
}

func TestChooseProcessWarns(t *testing.T) {
	log, buf := logger()
	b, err := sandbox.Choose("process", log)
	if err != nil {
		t.Fatal(err)
	}
	if b.Name() != "process" {
		t.Errorf("Name = %q", b.Name())
	}
	if !strings.Contains(buf.String(), "level=WARN") || !strings.Contains(buf.String(), "NOT isolated") {
		t.Errorf("no loud warning: %s", buf.String())
	}
}

func TestChooseRejectsUnknownMode(t *testing.T) {
	if _, err := sandbox.Choose("vm", nil); err == nil {
		t.Error("Choose accepted an unknown mode")
	}
}

// Auto picks namespace exactly when the host supports it, and the chosen
// backend runs a bootstrap either way.
func TestChooseAuto(t *testing.T) {
	log, buf := logger()
	b, err := sandbox.Choose("auto", log)
	if err != nil {
		t.Fatal(err)
	}
	want := "process"
	if linuxns.Available() == nil {
		want = "namespace"
	}
	if b.Name() != want {
		t.Fatalf("auto chose %q, want %q; log: %s", b.Name(), want, buf.String())
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
