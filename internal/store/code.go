package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// codeBucket is the object store holding deployment packages.
const codeBucket = "gust_code"

// codeChunkSize keeps every chunk far below the default 1 MB max_payload.
const codeChunkSize = 128 * 1024

// PutCode stores a code package under the lowercase hex SHA-256 of data and
// returns that key. Storing the same bytes again is a no-op.
func (s *Store) PutCode(ctx context.Context, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	key := hex.EncodeToString(sum[:])
	obs, err := s.codeStore(ctx)
	if err != nil {
		return "", err
	}
	_, err = obs.GetInfo(ctx, key)
	if err == nil {
		return key, nil // content-addressed: same key, same bytes
	}
	if !errors.Is(err, jetstream.ErrObjectNotFound) {
		return "", fmt.Errorf("storing code %s: %w", key, err)
	}
	meta := jetstream.ObjectMeta{
		Name: key,
		Opts: &jetstream.ObjectMetaOptions{ChunkSize: codeChunkSize},
	}
	if _, err := obs.Put(ctx, meta, bytes.NewReader(data)); err != nil {
		return "", fmt.Errorf("storing code %s: %w", key, err)
	}
	return key, nil
}

// GetCode returns the code package stored under sha256hex, or ErrNotFound.
// JetStream checks the bytes against their digest on the way out.
func (s *Store) GetCode(ctx context.Context, sha256hex string) ([]byte, error) {
	if !ValidCodeSHA(sha256hex) {
		return nil, fmt.Errorf("getting code %q: %w", sha256hex, ErrInvalidKey)
	}
	obs, err := s.codeStore(ctx)
	if err != nil {
		return nil, err
	}
	data, err := obs.GetBytes(ctx, sha256hex)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, fmt.Errorf("getting code %s: %w", sha256hex, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("getting code %s: %w", sha256hex, err)
	}
	return data, nil
}

// DeleteCode removes the code package stored under sha256hex, or returns
// ErrNotFound. Whether any function still uses it is the caller's concern.
func (s *Store) DeleteCode(ctx context.Context, sha256hex string) error {
	if !ValidCodeSHA(sha256hex) {
		return fmt.Errorf("deleting code %q: %w", sha256hex, ErrInvalidKey)
	}
	obs, err := s.codeStore(ctx)
	if err != nil {
		return err
	}
	// obs.Delete succeeds on an already-deleted object; look first.
	if _, err := obs.GetInfo(ctx, sha256hex); err != nil {
		if errors.Is(err, jetstream.ErrObjectNotFound) {
			err = ErrNotFound
		}
		return fmt.Errorf("deleting code %s: %w", sha256hex, err)
	}
	if err := obs.Delete(ctx, sha256hex); err != nil {
		if errors.Is(err, jetstream.ErrObjectNotFound) {
			err = ErrNotFound
		}
		return fmt.Errorf("deleting code %s: %w", sha256hex, err)
	}
	return nil
}

// codeStore opens or creates the code bucket once.
func (s *Store) codeStore(ctx context.Context) (jetstream.ObjectStore, error) {
	s.codeMu.Lock()
	defer s.codeMu.Unlock()
	if s.code != nil {
		return s.code, nil
	}
	obs, err := s.js.ObjectStore(ctx, codeBucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		obs, err = s.js.CreateObjectStore(ctx, jetstream.ObjectStoreConfig{
			Bucket:      codeBucket,
			Description: "Gust code packages by SHA-256",
			Storage:     jetstream.FileStorage,
			Replicas:    s.replicas,
		})
		if errors.Is(err, jetstream.ErrBucketExists) { // another node won
			obs, err = s.js.ObjectStore(ctx, codeBucket)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("opening code store: %w", err)
	}
	s.code = obs
	return obs, nil
}

// ValidCodeSHA reports whether s names a code package: a lowercase hex
// SHA-256, the only names the object store and the code cache accept.
func ValidCodeSHA(s string) bool {
	if len(s) != sha256.Size*2 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
