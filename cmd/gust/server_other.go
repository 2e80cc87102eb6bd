//go:build !linux

package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"

	"gust/internal/config"
)

// runServer refuses: the server needs Linux (namespaces, cgroups, its
// sandboxes); the client commands work everywhere.
func runServer(context.Context, config.Config, *slog.Logger) error {
	return fmt.Errorf("the server runs on Linux only (this is %s); the client commands (deploy, invoke, logs, ls, rm, usage, dev) work here against a Linux server", runtime.GOOS)
}
