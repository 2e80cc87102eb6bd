package sandbox

import (
	"fmt"
	"log/slog"

	"gust/internal/sandbox/linuxns"
	"gust/internal/sandbox/process"
)

// Isolation modes for the server's --isolation flag.
const (
	ModeAuto      = "auto"
	ModeNamespace = "namespace"
	ModeProcess   = "process"
)

// Choose returns the backend for an --isolation mode: "namespace" or
// "process" as asked (an error if namespace cannot run here), or "auto"
// (also ""): namespace when the host supports it, otherwise process. The
// choice is logged; running without isolation is logged as a warning.
func Choose(mode string, logger *slog.Logger) (Backend, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	switch mode {
	case ModeNamespace:
		b, err := linuxns.New(linuxns.Options{Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("isolation %q: %w", mode, err)
		}
		logger.Info("sandbox: namespace isolation", "isolation", mode)
		return b, nil
	case ModeProcess:
		return processBackend(logger, "isolation set to process")
	case ModeAuto, "":
		err := linuxns.Available()
		if err == nil {
			var b *linuxns.Backend
			if b, err = linuxns.New(linuxns.Options{Logger: logger}); err == nil {
				logger.Info("sandbox: namespace isolation (auto: this host supports it)", "isolation", ModeAuto)
				return b, nil
			}
		}
		return processBackend(logger, "namespace isolation unavailable: "+err.Error())
	default:
		return nil, fmt.Errorf("isolation %q: want auto, namespace or process", mode)
	}
}

func processBackend(logger *slog.Logger, reason string) (Backend, error) {
	b, err := process.New(process.Options{Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("isolation process: %w", err)
	}
	logger.Warn("sandbox: functions are NOT isolated: they run as plain processes with the server's user, files and network, without memory limits; use --isolation namespace (as root on Linux) for untrusted code",
		"isolation", ModeProcess, "reason", reason)
	return b, nil
}
