package objects

import (
	"context"
	"fmt"
	"time"

	"gust/internal/store"
)

// BlobLister lists stored blobs (package store).
type BlobLister interface {
	Blobs(ctx context.Context) ([]store.BlobInfo, error)
}

// SweepBlobs deletes blobs completed before `before` that no object or
// part names: what a crash between storing a blob and committing its
// record leaves. A blob is named by its record within milliseconds of
// completing, so a cut-off minutes in the past never touches a write in
// progress. It returns how many it deleted.
func (s *Service) SweepBlobs(ctx context.Context, lister BlobLister, before time.Time) (int, error) {
	blobs, err := lister.Blobs(ctx)
	if err != nil {
		return 0, err
	}
	var old []string
	for _, b := range blobs {
		if b.Modified.Before(before) {
			old = append(old, b.Name)
		}
	}
	if len(old) == 0 {
		return 0, nil
	}
	used := map[string]bool{}
	keys, err := s.o.Objects.Keys(ctx, "")
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		var o Object
		if _, err := getJSON(ctx, s.o.Objects, k, &o); err != nil {
			continue // deleted meanwhile: its blobs go with it
		}
		for _, b := range blobsOf(o) {
			used[b] = true
		}
	}
	parts, err := s.o.Uploads.Keys(ctx, "p.")
	if err != nil {
		return 0, err
	}
	for _, k := range parts {
		var p Part
		if _, err := getJSON(ctx, s.o.Uploads, k, &p); err == nil {
			used[p.Blob] = true
		}
	}
	n := 0
	for _, b := range old {
		if used[b] {
			continue
		}
		if err := s.o.Blobs.DeleteBlob(ctx, b); err != nil {
			return n, fmt.Errorf("sweeping blob %s: %w", b, err)
		}
		n++
	}
	return n, nil
}

// RunSweeper sweeps unreferenced blobs at start and then every interval,
// until ctx ends.
func (s *Service) RunSweeper(ctx context.Context, lister BlobLister, interval, grace time.Duration) {
	for {
		if n, err := s.SweepBlobs(ctx, lister, time.Now().Add(-grace)); err != nil {
			if ctx.Err() == nil {
				s.o.Logger.Warn("sweeping unreferenced blobs", "err", err)
			}
		} else if n > 0 {
			s.o.Logger.Info("swept unreferenced blobs", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
