package store

import (
	"context"
	"errors"
	"sync"
)

// CachedTable is a Table whose Gets are served from memory, kept current
// by a watch on the bucket. It is for the invoke hot path: a read costs a
// map lookup instead of a JetStream round trip. Writes made through it are
// visible to its own reads at once; writes from other nodes become visible
// when the watch delivers them (normally within milliseconds).
type CachedTable struct {
	*Table

	mu      sync.Mutex
	records map[string]Record
	// absent holds keys read as missing: a key that is usually absent
	// (an account without reserved concurrency) costs no round trip
	// either. Invalidated like records.
	absent map[string]struct{}
	// gen changes on every watched change; a Get that raced with one does
	// not fill the cache with what it read.
	gen uint64
}

// Cached starts watching t and returns the cached view. The watch, and so
// the cache's freshness, ends with ctx; after that every read goes to the
// store.
func (t *Table) Cached(ctx context.Context) (*CachedTable, error) {
	c := &CachedTable{Table: t, records: map[string]Record{}, absent: map[string]struct{}{}}
	if err := t.Watch(ctx, c.invalidate); err != nil {
		return nil, err
	}
	go func() {
		<-ctx.Done()
		c.mu.Lock()
		c.records, c.absent = nil, nil // nil maps: no more caching
		c.mu.Unlock()
	}()
	return c, nil
}

func (c *CachedTable) invalidate(key string, _ bool) {
	c.mu.Lock()
	c.gen++
	if c.records != nil {
		delete(c.records, key)
		delete(c.absent, key)
	}
	c.mu.Unlock()
}

// Get returns the record from memory, reading the store on a miss.
func (c *CachedTable) Get(ctx context.Context, key string) (Record, error) {
	c.mu.Lock()
	rec, ok := c.records[key]
	_, absent := c.absent[key]
	gen := c.gen
	c.mu.Unlock()
	if ok {
		return rec, nil
	}
	if absent {
		return Record{}, keyErr("getting", key, ErrNotFound)
	}
	rec, err := c.Table.Get(ctx, key)
	if errors.Is(err, ErrNotFound) {
		c.mu.Lock()
		if c.gen == gen && c.absent != nil {
			c.absent[key] = struct{}{}
		}
		c.mu.Unlock()
	}
	if err != nil {
		return Record{}, err
	}
	c.mu.Lock()
	if c.gen == gen && c.records != nil {
		c.records[key] = rec
	}
	c.mu.Unlock()
	return rec, nil
}

// Create stores a new key.
func (c *CachedTable) Create(ctx context.Context, key string, value []byte) (uint64, error) {
	rev, err := c.Table.Create(ctx, key, value)
	c.invalidate(key, false)
	return rev, err
}

// Update stores a new value with compare-and-swap.
func (c *CachedTable) Update(ctx context.Context, key string, value []byte, revision uint64) (uint64, error) {
	rev, err := c.Table.Update(ctx, key, value, revision)
	c.invalidate(key, false)
	return rev, err
}

// Delete removes a key.
func (c *CachedTable) Delete(ctx context.Context, key string, revision uint64) error {
	err := c.Table.Delete(ctx, key, revision)
	c.invalidate(key, true)
	return err
}
