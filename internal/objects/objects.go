package objects

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"gust/internal/apierror"
	"gust/internal/store"
)

// Blobs stores bytes (package store).
type Blobs interface {
	PutBlob(ctx context.Context, name string, r io.Reader) (store.BlobInfo, error)
	GetBlob(ctx context.Context, name string) (io.ReadCloser, error)
	DeleteBlob(ctx context.Context, name string) error
}

// Table is a KV table with compare-and-swap (package store).
type Table interface {
	Get(ctx context.Context, key string) (store.Record, error)
	Create(ctx context.Context, key string, value []byte) (uint64, error)
	Update(ctx context.Context, key string, value []byte, revision uint64) (uint64, error)
	Delete(ctx context.Context, key string, revision uint64) error
	Keys(ctx context.Context, prefix string) ([]string, error)
}

// Notifier durably records an event before the write it describes commits.
type Notifier interface {
	Pending(ctx context.Context, e Event) error
}

// Options configures a Service.
type Options struct {
	Blobs   Blobs
	Buckets Table // "s3buckets": bucket name → Bucket
	Objects Table // "s3objects": bucket "/" hex(key) → Object
	Uploads Table // "s3uploads": upload id → Upload; upload id "/" part → Part
	// Notifier is told about every committing write; nil tells nobody.
	Notifier  Notifier
	Region    string
	AccountID string
	Logger    *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Service implements S3's operations.
type Service struct {
	o   Options
	seq atomic.Uint64
}

// New returns a Service.
func New(o Options) *Service {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Service{o: o}
}

// s3Error is an S3 error code with its status.
func s3Error(status int, code, format string, args ...any) *apierror.Error {
	return apierror.New(code, format, args...).WithStatus(status)
}

func noSuchBucket() error {
	return s3Error(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
}

func noSuchKey() error {
	return s3Error(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
}

func noSuchUpload() error {
	return s3Error(http.StatusNotFound, "NoSuchUpload",
		"The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.")
}

// newName is a fresh random name for a blob or an upload id.
func newName() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// sequencer orders the events of one key, as S3's does: later writes have
// larger (same-length, hex) sequencers.
func (s *Service) sequencer() string {
	n := uint64(s.o.Now().UnixNano())
	for {
		last := s.seq.Load()
		if n <= last {
			n = last + 1
		}
		if s.seq.CompareAndSwap(last, n) {
			return fmt.Sprintf("%018X", n)
		}
	}
}

// objectKey is the table key of an object: hex keeps any S3 key storable
// and keeps byte order, so listing the table lists keys in S3's order.
func objectKey(bucket, key string) string {
	return bucket + "/" + hex.EncodeToString([]byte(key))
}

func getJSON(ctx context.Context, t Table, key string, v any) (uint64, error) {
	rec, err := t.Get(ctx, key)
	if err != nil {
		return 0, err
	}
	if err := json.Unmarshal(rec.Value, v); err != nil {
		return 0, fmt.Errorf("decoding %s: %w", key, err)
	}
	return rec.Revision, nil
}

// putJSON writes v under key: created when revision is 0, else replaced
// if still at revision.
func putJSON(ctx context.Context, t Table, key string, v any, revision uint64) (uint64, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return 0, fmt.Errorf("encoding %s: %w", key, err)
	}
	if revision == 0 {
		return t.Create(ctx, key, b)
	}
	return t.Update(ctx, key, b, revision)
}

// setJSON writes v under key whatever is there now.
func setJSON(ctx context.Context, t Table, key string, v any) error {
	for range 10 {
		rec, err := t.Get(ctx, key)
		var rev uint64
		switch {
		case err == nil:
			rev = rec.Revision
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if _, err = putJSON(ctx, t, key, v, rev); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrExists) {
			return err
		}
	}
	return fmt.Errorf("writing %s: %w", key, store.ErrConflict)
}

// deleteBlobs removes blobs no record names any more; failures only leak
// space, so they are logged.
func (s *Service) deleteBlobs(blobs []string) {
	for _, b := range blobs {
		if err := s.o.Blobs.DeleteBlob(context.Background(), b); err != nil {
			s.o.Logger.Warn("deleting blob", "blob", b, "err", err)
		}
	}
}
