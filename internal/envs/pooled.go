package envs

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gust/internal/ids"
	"gust/internal/runtimeapi"
	"gust/internal/runtimes"
	"gust/internal/sandbox"
)

// pooledEnv tells a Gust bootstrap that it is pooled: it asks the Runtime
// API for its function before loading a handler.
const pooledEnv = "_GUST_POOLED=1"

// startPooled starts an environment of runtime rt that belongs to no
// function yet: its sandbox, with an empty /var/task, and, when prestart
// is set (Gust's own bootstraps), its runtime, which loads the interpreter
// and the bootstrap and then waits to be specialised; it returns once the
// runtime waits. Without prestart (the provided runtimes, whose bootstrap
// is the function's) the sandbox waits to exec the bootstrap.
func startPooled(ctx context.Context, sb sandboxes, rt string, launch runtimes.Launch, prestart bool, dir string, log *slog.Logger) (*Environment, error) {
	id := ids.Hex(16)
	taskDir := filepath.Join(dir, id[:12])
	if err := os.MkdirAll(taskDir, 0o755); err != nil {
		return nil, fmt.Errorf("making pooled sandbox directory: %w", err)
	}
	e := &Environment{
		cfg:       Config{Runtime: rt},
		id:        id,
		rapi:      runtimeapi.NewServer(runtimeapi.Options{Logger: log}),
		log:       log.With("runtime", rt, "env", id[:8]),
		serveDone: make(chan struct{}),
		state:     Starting,
		taskDir:   taskDir,
		launchEnv: launch.Env,
	}
	var err error
	// Lines go nowhere until a function owns the environment.
	if e.logs, err = newLogPipe(nil, "", ""); err != nil {
		_ = os.Remove(taskDir)
		return nil, fmt.Errorf("creating log pipe: %w", err)
	}
	e.pooled, e.detach, err = sb.createPooled(ctx, sandbox.Spec{
		ID:         id[:12],
		CodeDir:    taskDir,
		RuntimeDir: launch.RuntimeDir,
		Command:    launch.Command,
		Env:        append(Config{Runtime: rt}.environ("", launch.Env), pooledEnv),
		Stdout:     e.logs.w,
		Stderr:     e.logs.w,
	})
	if err != nil {
		e.destroy()
		return nil, fmt.Errorf("creating pooled sandbox: %w", err)
	}
	e.inst = e.pooled
	go func() {
		defer close(e.serveDone)
		_ = e.rapi.Serve(e.inst.Listener())
	}()
	if !prestart {
		if err := e.move(EvPooled); err != nil {
			e.destroy()
			return nil, err
		}
		return e, nil
	}
	e.started = true
	if err := e.inst.Start(); err != nil {
		e.destroy()
		return nil, fmt.Errorf("starting pooled runtime: %w", err)
	}
	_ = e.logs.w.Close()
	if err := e.move(EvPooled); err != nil {
		e.destroy()
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, InitTimeout)
	defer cancel()
	select {
	case <-e.rapi.Asked():
		return e, nil
	case <-e.inst.Exited():
		e.destroy()
		return nil, fmt.Errorf("pooled runtime exited (%s) before it was ready", e.inst.ExitStatus())
	case <-ctx.Done():
		e.destroy()
		return nil, fmt.Errorf("waiting for pooled runtime: %w", ctx.Err())
	}
}

// specialize gives a pooled environment to the function of cfg: its code
// at /var/task, its limits, its environment and handler, then waits for
// its init like start does. The environment is never pooled again.
func (e *Environment) specialize(ctx context.Context, cfg Config, sink LogSink, requestID string) error {
	e.cfg = cfg
	e.stream = time.Now().UTC().Format("2006/01/02") + "/[" + cfg.Version + "]" + e.id
	e.log = e.log.With("function", cfg.Function)
	e.logs.attribute(sink, cfg.LogGroup, e.stream)
	e.logs.beginInvocation()
	e.logInitStart()
	began := time.Now()
	if err := e.move(EvSpecialize); err != nil {
		e.destroy()
		return err
	}
	environ := cfg.environ(e.stream, e.launchEnv)
	if e.started {
		environ = nil // the runtime asks for it
	}
	if err := e.pooled.Specialize(cfg.CodeDir, cfg.MemoryMB, environ); err != nil {
		e.destroy()
		return fmt.Errorf("specialising pooled sandbox: %w", err)
	}
	e.log.Debug("pooled sandbox specialised", "took", time.Since(began))
	if !e.started {
		// A provided runtime: exec the function's bootstrap now.
		if err := e.inst.Start(); err != nil {
			e.destroy()
			return platformError(ErrInvalidEntrypoint, requestID, "%v", err)
		}
		_ = e.logs.w.Close()
		return e.finishInit(ctx, requestID, began)
	}
	env := map[string]string{}
	for _, kv := range cfg.environ(e.stream, e.launchEnv) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	env[sandbox.RuntimeAPIEnv] = e.inst.RuntimeAPIAddr()
	e.rapi.Specialize(runtimeapi.Specialization{Env: env, Handler: cfg.Handler})
	return e.finishInit(ctx, requestID, began)
}
