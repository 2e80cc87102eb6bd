package control

import (
	"context"
	"errors"

	"gust/internal/store"
)

// upsert stores value under key whether or not the key exists, retrying
// when a concurrent writer got there first.
func upsert(ctx context.Context, t Records, key string, value []byte) error {
	for {
		rec, err := t.Get(ctx, key)
		switch {
		case errors.Is(err, store.ErrNotFound):
			_, err = t.Create(ctx, key, value)
		case err == nil:
			_, err = t.Update(ctx, key, value, rec.Revision)
		}
		if errors.Is(err, store.ErrExists) || errors.Is(err, store.ErrConflict) {
			continue
		}
		return err
	}
}
