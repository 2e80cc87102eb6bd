package queues

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"gust/internal/store"
)

// openQueue is a queue's lease stream and the consumers this node opened.
type openQueue struct {
	ls   *store.LeaseStream
	fifo bool

	mu      sync.Mutex
	ready   *store.LeaseConsumer            // standard queues: key "r"
	groups  map[string]*store.LeaseConsumer // FIFO: by group key "g.<hash>"
	ackWait time.Duration
}

// dedupWindow is SQS's deduplication interval.
const dedupWindow = 5 * time.Minute

// groupConsumerIdle is how long an unused FIFO group consumer lives: more
// than the longest visibility timeout, so a message in flight keeps its
// group blocked.
const groupConsumerIdle = 13 * time.Hour

// lease opens q's stream (creating or updating it to q's retention) and
// caches it.
func (s *Service) lease(ctx context.Context, q Queue) (*openQueue, error) {
	vt := visibilityWait(q.VisibilityTimeout())
	s.mu.Lock()
	oq, ok := s.open[q.Stream]
	s.mu.Unlock()
	if ok && oq.ackWaitIs(vt) {
		return oq, nil
	}
	ls, err := s.st.LeaseStream(ctx, q.Stream, store.LeaseStreamOptions{
		MaxAge:     time.Duration(q.RetentionSeconds()) * time.Second,
		Duplicates: dedupWindow,
	})
	if err != nil {
		return nil, fmt.Errorf("opening queue %s: %w", q.Name, err)
	}
	oq = &openQueue{ls: ls, fifo: q.FIFO, groups: map[string]*store.LeaseConsumer{}, ackWait: vt}
	if !q.FIFO {
		if oq.ready, err = ls.Consumer(ctx, "ready", "r", store.LeaseConsumerOptions{AckWait: vt}); err != nil {
			return nil, fmt.Errorf("opening queue %s: %w", q.Name, err)
		}
	}
	s.mu.Lock()
	s.open[q.Stream] = oq
	s.mu.Unlock()
	return oq, nil
}

func (oq *openQueue) ackWaitIs(d time.Duration) bool {
	oq.mu.Lock()
	defer oq.mu.Unlock()
	return oq.ackWait == d
}

// visibilityWait is the consumer's AckWait for a visibility timeout:
// JetStream needs a positive one; a zero timeout releases each message
// as it is received.
func visibilityWait(seconds int) time.Duration {
	if seconds <= 0 {
		return time.Second
	}
	return time.Duration(seconds) * time.Second
}

// groupKey is the subject key of a FIFO message group.
func groupKey(group string) string {
	h := sha256.Sum256([]byte(group))
	return "g." + hex.EncodeToString(h[:12])
}

// group returns the consumer of one FIFO group key.
func (oq *openQueue) group(ctx context.Context, key string) (*store.LeaseConsumer, error) {
	oq.mu.Lock()
	c, ok := oq.groups[key]
	oq.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := oq.ls.Consumer(ctx, "g-"+key[2:], key, store.LeaseConsumerOptions{AckWait: oq.ackWait, MaxLeased: 1, InactiveThreshold: groupConsumerIdle})
	if err != nil {
		return nil, err
	}
	oq.mu.Lock()
	oq.groups[key] = c
	oq.mu.Unlock()
	return c, nil
}

// inFlight counts leased messages (FIFO: over this node's known groups,
// each at most one).
func (oq *openQueue) inFlight(ctx context.Context) uint64 {
	if !oq.fifo {
		st, err := oq.ready.State(ctx)
		if err != nil {
			return 0
		}
		return st.Leased
	}
	keys, err := oq.ls.Counts(ctx, "g.*")
	if err != nil {
		return 0
	}
	var n uint64
	for key := range keys {
		c, err := oq.group(ctx, key)
		if err != nil {
			continue
		}
		if st, err := c.State(ctx); err == nil {
			n += st.Leased
		}
	}
	return n
}
