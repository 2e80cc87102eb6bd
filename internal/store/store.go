package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Sentinel errors; match them with errors.Is.
var (
	// ErrNotFound: the key or code package does not exist (or was deleted).
	ErrNotFound = errors.New("store: not found")
	// ErrExists: Create found the key already present.
	ErrExists = errors.New("store: already exists")
	// ErrConflict: the expected revision is not the key's current revision.
	ErrConflict = errors.New("store: revision conflict")
	// ErrInvalidKey: the key or table name has characters NATS does not allow.
	ErrInvalidKey = errors.New("store: invalid key")
)

// Options configures Open. The zero value (plus a DataDir) runs an embedded
// server.
type Options struct {
	// DataDir holds the embedded server's JetStream files in
	// DataDir/jetstream. Required unless NATSURL is set.
	DataDir string
	// NATSURL, when non-empty, connects to this external cluster instead of
	// embedding a server. Comma-separated URLs are allowed.
	NATSURL string
	// Replicas is the JetStream replica count for buckets this store
	// creates. 0 means 1 embedded and 3 on an external cluster. Buckets that
	// already exist keep their replica count.
	Replicas int
	// Logger receives the embedded server's log and connection events.
	// Nil silences them.
	Logger *slog.Logger
}

// Store is an open connection to JetStream, plus the embedded server when
// there is one. It is safe for concurrent use.
type Store struct {
	srv      *server.Server // nil when external
	nc       *nats.Conn
	js       jetstream.JetStream
	replicas int
	closed   chan struct{} // closed by nats.ClosedHandler

	codeMu sync.Mutex
	code   jetstream.ObjectStore // opened lazily
	blob   blobs

	mu        sync.Mutex
	closing   bool           // set under mu by Close; refuses new watchers
	done      chan struct{}  // closed by Close; stops watchers
	watchers  sync.WaitGroup // one per Watch goroutine
	closeOnce sync.Once
	closeErr  error
}

// startTimeout bounds how long Open waits for an embedded server when ctx
// has no deadline of its own.
const startTimeout = 30 * time.Second

// Open starts (or connects to) NATS and returns a ready Store. A failed Open
// stops whatever it had started.
func Open(ctx context.Context, o Options) (*Store, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Store{
		closed: make(chan struct{}),
		done:   make(chan struct{}),
	}
	copts := []nats.Option{
		nats.Name("gust"),
		nats.ClosedHandler(func(*nats.Conn) { close(s.closed) }),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("NATS disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("NATS reconnected", "url", nc.ConnectedUrlRedacted())
		}),
	}

	var err error
	if o.NATSURL == "" {
		if o.DataDir == "" {
			return nil, errors.New("opening store: DataDir is required for the embedded server")
		}
		if s.srv, err = startEmbedded(ctx, o.DataDir, o.Logger); err != nil {
			return nil, err
		}
		s.replicas = 1
		copts = append(copts, nats.InProcessServer(s.srv))
		s.nc, err = nats.Connect("", copts...)
	} else {
		s.replicas = 3
		copts = append(copts, nats.MaxReconnects(-1))
		s.nc, err = nats.Connect(strings.TrimSpace(o.NATSURL), copts...)
	}
	if o.Replicas > 0 {
		s.replicas = o.Replicas
	}
	if err != nil {
		s.stopServer()
		return nil, fmt.Errorf("connecting to NATS: %w", err)
	}
	if s.js, err = jetstream.New(s.nc); err != nil {
		s.nc.Close()
		s.stopServer()
		return nil, fmt.Errorf("opening JetStream: %w", err)
	}
	// Fail now, not on first use, when the server has no JetStream.
	if _, err := s.js.AccountInfo(ctx); err != nil {
		s.nc.Close()
		s.stopServer()
		return nil, fmt.Errorf("checking JetStream: %w", err)
	}
	if s.srv != nil {
		log.Info("store ready", "mode", "embedded", "dir", o.DataDir)
	} else {
		log.Info("store ready", "mode", "external", "url", s.nc.ConnectedUrlRedacted(), "replicas", s.replicas)
	}
	return s, nil
}

func startEmbedded(ctx context.Context, dataDir string, logger *slog.Logger) (*server.Server, error) {
	srv, err := server.NewServer(&server.Options{
		ServerName: "gust",
		JetStream:  true,
		// nats-server appends "jetstream" itself.
		StoreDir:   dataDir,
		DontListen: true,
		NoSigs:     true,
		NoLog:      logger == nil,
		// Sync payloads and async events reach 6 MB; NATS defaults to 1 MB.
		MaxPayload: 8 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("configuring embedded NATS: %w", err)
	}
	if logger != nil {
		debug := logger.Enabled(ctx, slog.LevelDebug)
		srv.SetLoggerV2(slogAdapter{logger.With("component", "nats")}, debug, false, false)
	}
	srv.Start()

	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(startTimeout)
	}
	for !srv.ReadyForConnections(50 * time.Millisecond) {
		if ctx.Err() != nil || time.Now().After(deadline) {
			srv.Shutdown()
			srv.WaitForShutdown()
			if ctx.Err() != nil {
				return nil, fmt.Errorf("starting embedded NATS: %w", ctx.Err())
			}
			return nil, errors.New("starting embedded NATS: not ready in time")
		}
	}
	return srv, nil
}

func (s *Store) stopServer() {
	if s.srv != nil {
		s.srv.Shutdown()
		s.srv.WaitForShutdown()
	}
}

// drainTimeout bounds Close's wait for in-flight messages.
const drainTimeout = 10 * time.Second

// Close stops watchers, drains the connection and shuts the embedded server
// down, waiting for each. It is idempotent and returns the first call's error.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closing = true
		close(s.done)
		s.mu.Unlock()
		s.watchers.Wait()
		if err := s.nc.Drain(); err != nil {
			s.nc.Close()
		}
		select {
		case <-s.closed:
		case <-time.After(drainTimeout):
			s.nc.Close()
			s.closeErr = errors.New("closing store: drain timed out")
		}
		s.stopServer()
	})
	return s.closeErr
}

// addWatcher registers a watcher goroutine unless the Store is closing.
func (s *Store) addWatcher() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.watchers.Add(1)
	return true
}

func (s *Store) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// Conn is the underlying NATS connection, for request/reply and streams.
// Closing it is the Store's job.
func (s *Store) Conn() *nats.Conn { return s.nc }

// JetStream is the JetStream context on Conn.
func (s *Store) JetStream() jetstream.JetStream { return s.js }

// slogAdapter routes nats-server's log to slog. Fatalf only logs: a library
// must never exit the process.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Noticef(format string, v ...any) { a.l.Info(fmt.Sprintf(format, v...)) }
func (a slogAdapter) Warnf(format string, v ...any)   { a.l.Warn(fmt.Sprintf(format, v...)) }
func (a slogAdapter) Fatalf(format string, v ...any)  { a.l.Error(fmt.Sprintf(format, v...)) }
func (a slogAdapter) Errorf(format string, v ...any)  { a.l.Error(fmt.Sprintf(format, v...)) }
func (a slogAdapter) Debugf(format string, v ...any)  { a.l.Debug(fmt.Sprintf(format, v...)) }
func (a slogAdapter) Tracef(format string, v ...any)  { a.l.Debug(fmt.Sprintf(format, v...)) }
