package store

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Record is one key's current value. Revision changes on every write and is
// what Update and Delete compare against.
type Record struct {
	Key      string
	Value    []byte
	Revision uint64
}

// Table is a key-value bucket with compare-and-swap. It is safe for
// concurrent use.
type Table struct {
	s  *Store
	kv jetstream.KeyValue
}

var (
	validBucket = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
	validKey    = regexp.MustCompile(`^[-/_=.a-zA-Z0-9]+$`)
)

// ValidKey reports whether key can be stored: only [-/_=.a-zA-Z0-9], not
// starting or ending with '.', and no "..".
func ValidKey(key string) bool {
	return key != "" && key[0] != '.' && key[len(key)-1] != '.' &&
		!strings.Contains(key, "..") && validKey.MatchString(key)
}

// Table opens the bucket "gust_"+name, creating it if needed. name may only
// contain [a-zA-Z0-9_-].
func (s *Store) Table(ctx context.Context, name string) (*Table, error) {
	bucket := "gust_" + name
	if !validBucket.MatchString(name) {
		return nil, fmt.Errorf("opening table %q: %w", name, ErrInvalidKey)
	}
	kv, err := s.js.KeyValue(ctx, bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		kv, err = s.js.CreateKeyValue(ctx, jetstream.KeyValueConfig{
			Bucket:   bucket,
			History:  1,
			Storage:  jetstream.FileStorage,
			Replicas: s.replicas,
		})
		if errors.Is(err, jetstream.ErrBucketExists) { // lost a creation race
			kv, err = s.js.KeyValue(ctx, bucket)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("opening table %q: %w", name, err)
	}
	return &Table{s: s, kv: kv}, nil
}

// Get returns key's current record, or ErrNotFound (also for deleted keys).
func (t *Table) Get(ctx context.Context, key string) (Record, error) {
	if !ValidKey(key) {
		return Record{}, keyErr("getting", key, ErrInvalidKey)
	}
	e, err := t.kv.Get(ctx, key)
	if err != nil {
		return Record{}, keyErr("getting", key, mapErr(err))
	}
	return Record{Key: e.Key(), Value: e.Value(), Revision: e.Revision()}, nil
}

// Create stores a new key and returns its revision, or ErrExists. A deleted
// key can be created again.
func (t *Table) Create(ctx context.Context, key string, value []byte) (uint64, error) {
	if !ValidKey(key) {
		return 0, keyErr("creating", key, ErrInvalidKey)
	}
	rev, err := t.kv.Create(ctx, key, value)
	if err != nil {
		return 0, keyErr("creating", key, mapErr(err))
	}
	return rev, nil
}

// Update replaces key's value if its current revision is revision and
// returns the new revision. It fails with ErrConflict when the revision is
// stale (0 is always stale) and ErrNotFound when the key does not exist.
func (t *Table) Update(ctx context.Context, key string, value []byte, revision uint64) (uint64, error) {
	if !ValidKey(key) {
		return 0, keyErr("updating", key, ErrInvalidKey)
	}
	// Revision 0 means "expect no message" to JetStream, which would create
	// the key; Update never creates.
	if revision == 0 {
		return 0, keyErr("updating", key, t.conflictOrNotFound(ctx, key))
	}
	rev, err := t.kv.Update(ctx, key, value, revision)
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return 0, keyErr("updating", key, t.conflictOrNotFound(ctx, key))
	}
	if err != nil {
		return 0, keyErr("updating", key, mapErr(err))
	}
	return rev, nil
}

// maxDeleteAttempts bounds the retries of an unconditional Delete racing
// with writers.
const maxDeleteAttempts = 10

// Delete removes key and its history, so that Keys no longer lists it and
// Create works again. revision 0 deletes whatever is current; otherwise a
// stale revision fails with ErrConflict. A missing key is ErrNotFound.
func (t *Table) Delete(ctx context.Context, key string, revision uint64) error {
	if !ValidKey(key) {
		return keyErr("deleting", key, ErrInvalidKey)
	}
	for range maxDeleteAttempts {
		e, err := t.kv.Get(ctx, key)
		if err != nil {
			return keyErr("deleting", key, mapErr(err))
		}
		if revision != 0 && e.Revision() != revision {
			return keyErr("deleting", key, ErrConflict)
		}
		// Conditional on what we just read, so a key deleted (or deleted
		// and re-created) meanwhile is not silently deleted again.
		err = t.kv.Purge(ctx, key, jetstream.LastRevision(e.Revision()))
		if err == nil {
			return nil
		}
		if !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return keyErr("deleting", key, mapErr(err))
		}
		if revision != 0 {
			return keyErr("deleting", key, t.conflictOrNotFound(ctx, key))
		}
	}
	return keyErr("deleting", key, ErrConflict)
}

// Keys lists the keys starting with prefix, sorted ascending. An empty table
// gives an empty slice.
func (t *Table) Keys(ctx context.Context, prefix string) ([]string, error) {
	keys := []string{}
	if prefix != "" && (prefix[0] == '.' || strings.Contains(prefix, "..") || !validKey.MatchString(prefix)) {
		return keys, nil // no valid key can start with it
	}
	// Let the server filter on whole subject tokens; finish in Go.
	filter := jetstream.AllKeys
	if i := strings.LastIndexByte(prefix, '.'); i >= 0 {
		filter = prefix[:i+1] + ">"
	}
	w, err := t.kv.WatchFiltered(ctx, []string{filter}, jetstream.IgnoreDeletes(), jetstream.MetaOnly())
	if err != nil {
		return nil, fmt.Errorf("listing keys %q: %w", prefix, err)
	}
	defer stopWatcher(w)
	for {
		select {
		case e, ok := <-w.Updates():
			if !ok {
				return nil, fmt.Errorf("listing keys %q: watcher closed", prefix)
			}
			if e == nil { // all current keys delivered
				slices.Sort(keys)
				return slices.Compact(keys), nil
			}
			if strings.HasPrefix(e.Key(), prefix) {
				keys = append(keys, e.Key())
			}
		case <-ctx.Done():
			return nil, fmt.Errorf("listing keys %q: %w", prefix, ctx.Err())
		}
	}
}

// Watch calls fn, from one goroutine and in order, for changes made after
// Watch returns: deleted is true for deletes. Quick successive writes to one
// key may be coalesced (the table keeps only the latest revision), but the
// last change to every key is always delivered, which is what cache
// invalidation needs. Watch stops when ctx is done or the Store closes; fn is
// never called after that. fn must not block for long: changes queue behind
// it.
func (t *Table) Watch(ctx context.Context, fn func(key string, deleted bool)) error {
	w, err := t.kv.WatchAll(ctx, jetstream.UpdatesOnly(), jetstream.MetaOnly())
	if err != nil {
		return fmt.Errorf("watching table %s: %w", t.kv.Bucket(), err)
	}
	if !t.s.addWatcher() {
		stopWatcher(w)
		return fmt.Errorf("watching table %s: store closed", t.kv.Bucket())
	}
	go func() {
		defer t.s.watchers.Done()
		defer stopWatcher(w)
		for {
			select {
			case e, ok := <-w.Updates():
				if !ok {
					return
				}
				// select picks at random among ready cases; never call fn
				// once the caller has cancelled.
				if e == nil || ctx.Err() != nil || t.s.isClosing() {
					continue
				}
				fn(e.Key(), e.Operation() != jetstream.KeyValuePut)
			case <-ctx.Done():
				return
			case <-t.s.done:
				return
			}
		}
	}()
	return nil
}

// stopDrainTimeout bounds the wait for a stopped watcher's channel to close.
const stopDrainTimeout = 5 * time.Second

// stopWatcher stops w and drains its channel: nats.go's delivery goroutine
// may be blocked sending to it and would otherwise never exit.
func stopWatcher(w jetstream.KeyWatcher) {
	_ = w.Stop()
	timeout := time.After(stopDrainTimeout)
	for {
		select {
		case _, ok := <-w.Updates():
			if !ok {
				return
			}
		case <-timeout:
			return
		}
	}
}

// conflictOrNotFound explains a failed compare-and-swap.
func (t *Table) conflictOrNotFound(ctx context.Context, key string) error {
	_, err := t.kv.Get(ctx, key)
	if err == nil {
		return ErrConflict
	}
	return mapErr(err)
}

func mapErr(err error) error {
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound), errors.Is(err, jetstream.ErrKeyDeleted):
		return ErrNotFound
	// A revision mismatch also matches ErrKeyExists (same API error code),
	// so test it first.
	case errors.Is(err, jetstream.ErrKeyRevisionMismatch):
		return ErrConflict
	case errors.Is(err, jetstream.ErrKeyExists):
		return ErrExists
	case errors.Is(err, jetstream.ErrInvalidKey):
		return ErrInvalidKey
	}
	return err
}

func keyErr(op, key string, err error) error {
	return fmt.Errorf("%s key %q: %w", op, key, err)
}
