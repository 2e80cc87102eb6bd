//go:build linux

package main

import (
	"fmt"
	"log/slog"

	"gust/internal/sandbox"
	"gust/internal/sandbox/linuxns"
	"gust/internal/sandbox/process"
)

// Isolation modes for the server's --isolation flag.
const (
	isolationAuto      = "auto"
	isolationNamespace = "namespace"
	isolationProcess   = "process"
)

// chooseBackend returns the sandbox backend for an --isolation mode:
// "namespace" or "process" as asked (an error if namespace cannot run
// here), or "auto" (also ""): namespace when the host supports it,
// otherwise process. The choice is logged; running without isolation is
// logged as a warning.
func chooseBackend(mode string, logger *slog.Logger) (sandbox.Backend, error) {
	switch mode {
	case isolationNamespace:
		b, err := linuxns.New(linuxns.Options{Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("isolation %q: %w", mode, err)
		}
		logger.Info("sandbox: namespace isolation", "isolation", mode)
		return b, nil
	case isolationProcess:
		return processBackend(logger, "isolation set to process")
	case isolationAuto, "":
		err := linuxns.Available()
		if err == nil {
			var b *linuxns.Backend
			if b, err = linuxns.New(linuxns.Options{Logger: logger}); err == nil {
				logger.Info("sandbox: namespace isolation (auto: this host supports it)", "isolation", isolationAuto)
				return b, nil
			}
		}
		return processBackend(logger, "namespace isolation unavailable: "+err.Error())
	default:
		return nil, fmt.Errorf("isolation %q: want auto, namespace or process", mode)
	}
}

func processBackend(logger *slog.Logger, reason string) (sandbox.Backend, error) {
	b, err := process.New(process.Options{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("isolation process: %w", err)
	}
	logger.Warn("sandbox: functions are NOT isolated: they run as plain processes with the server's user, files and network, without memory limits; use --isolation namespace (as root on Linux) for untrusted code",
		"isolation", isolationProcess, "reason", reason)
	return b, nil
}
