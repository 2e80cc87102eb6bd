package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// blobBucket is the object store holding blobs: opaque byte sequences
// under names the caller chooses (S3 objects and parts).
const blobBucket = "gust_blobs"

// blobChunkSize is the JetStream message size a blob is cut into: large
// enough that a GB is a few thousand messages, below the default 1 MB
// max_payload of an external cluster.
const blobChunkSize = 512 * 1024

// blobs holds the lazily opened blob store.
type blobs struct {
	mu  sync.Mutex
	obs jetstream.ObjectStore
}

// BlobInfo describes a stored blob.
type BlobInfo struct {
	Name     string
	Size     int64
	Modified time.Time // when it was completed (set by Blobs)
}

// PutBlob streams r into a new blob called name, reading it chunk by chunk
// (never whole), and returns its size. A reader error (a client that went
// away, a digest that did not match) removes what was written and is
// returned wrapped. A blob is visible to GetBlob only once it is complete.
func (s *Store) PutBlob(ctx context.Context, name string, r io.Reader) (BlobInfo, error) {
	obs, err := s.blobStore(ctx)
	if err != nil {
		return BlobInfo{}, err
	}
	meta := jetstream.ObjectMeta{Name: name, Opts: &jetstream.ObjectMetaOptions{ChunkSize: blobChunkSize}}
	info, err := obs.Put(ctx, meta, fullReader{r})
	if err != nil {
		return BlobInfo{}, fmt.Errorf("storing blob %s: %w", name, err)
	}
	return BlobInfo{Name: name, Size: int64(info.Size)}, nil
}

// GetBlob opens the blob called name for reading from its start, or
// returns ErrNotFound. The caller closes the reader. JetStream checks the
// bytes against their digest as they are read.
func (s *Store) GetBlob(ctx context.Context, name string) (io.ReadCloser, error) {
	obs, err := s.blobStore(ctx)
	if err != nil {
		return nil, err
	}
	res, err := obs.Get(ctx, name)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, fmt.Errorf("getting blob %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("getting blob %s: %w", name, err)
	}
	return res, nil
}

// DeleteBlob removes the blob called name; a missing blob is not an error
// (deleting is how a failed or replaced write is cleaned up, possibly twice).
func (s *Store) DeleteBlob(ctx context.Context, name string) error {
	obs, err := s.blobStore(ctx)
	if err != nil {
		return err
	}
	if err := obs.Delete(ctx, name); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		return fmt.Errorf("deleting blob %s: %w", name, err)
	}
	return nil
}

// Blobs lists every stored blob, for sweeping blobs that no record refers
// to (left by a crash between a blob and its record).
func (s *Store) Blobs(ctx context.Context) ([]BlobInfo, error) {
	obs, err := s.blobStore(ctx)
	if err != nil {
		return nil, err
	}
	infos, err := obs.List(ctx)
	if errors.Is(err, jetstream.ErrNoObjectsFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing blobs: %w", err)
	}
	out := make([]BlobInfo, 0, len(infos))
	for _, i := range infos {
		out = append(out, BlobInfo{Name: i.Name, Size: int64(i.Size), Modified: i.ModTime})
	}
	return out, nil
}

func (s *Store) blobStore(ctx context.Context) (jetstream.ObjectStore, error) {
	s.blob.mu.Lock()
	defer s.blob.mu.Unlock()
	if s.blob.obs != nil {
		return s.blob.obs, nil
	}
	obs, err := s.js.ObjectStore(ctx, blobBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		obs, err = s.js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{
			Bucket:      blobBucket,
			Description: "Gust blobs (S3 objects and parts)",
			Storage:     jetstream.FileStorage,
			Replicas:    s.replicas,
		})
		if errors.Is(err, jetstream.ErrBucketExists) {
			obs, err = s.js.ObjectStore(ctx, blobBucket)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("opening blob store: %w", err)
	}
	s.blob.obs = obs
	return obs, nil
}

// fullReader fills each Read's buffer as far as the source allows, so that
// a body arriving in small network reads still becomes full-size chunks.
type fullReader struct{ r io.Reader }

func (f fullReader) Read(p []byte) (int, error) {
	n, err := io.ReadFull(f.r, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	if n > 0 && errors.Is(err, io.EOF) {
		return n, nil // the next Read reports EOF
	}
	return n, err
}
