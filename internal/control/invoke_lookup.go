package control

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
)

// invokeLookups remembers the Functions decoded for invocations, by record
// and store revision. Every invoke resolves its function, and decoding the
// stored JSON each time was most of that; the tables themselves are read
// from memory (store.CachedTable), so comparing revisions keeps this exact.
type invokeLookups struct {
	m sync.Map // "f/<name>" or "v/<version key>" -> decodedFunction
}

type decodedFunction struct {
	revision uint64
	f        Function
}

// loadForInvoke is loadQualified for callers that only read the Function:
// its maps and slices are shared with other such callers.
func (s *Service) loadForInvoke(ctx context.Context, name, version string) (Function, error) {
	table, key, cacheKey := s.functions, name, "f/"+name
	if version != Latest {
		key = versionKey(name, version)
		table, cacheKey = s.versions, "v/"+key
	}
	rec, err := table.Get(ctx, key)
	if err != nil {
		s.lookups.m.Delete(cacheKey)
		return s.loadQualified(ctx, name, version) // says what is missing, as every caller does
	}
	if d, ok := s.lookups.m.Load(cacheKey); ok && d.(decodedFunction).revision == rec.Revision {
		return d.(decodedFunction).f, nil
	}
	var f Function
	if err := json.Unmarshal(rec.Value, &f); err != nil {
		return Function{}, fmt.Errorf("decoding function %s:%s: %w", name, version, err)
	}
	f.storeRevision = rec.Revision
	s.lookups.m.Store(cacheKey, decodedFunction{revision: rec.Revision, f: f})
	return f, nil
}
