package mappings

import (
	"context"
	"encoding/json"
	"gust/internal/ids"
	"sync"
	"time"

	"gust/internal/eventpattern"
	"gust/internal/invoke"
	"gust/internal/queues"
)

// pollWait is a batch loop's long poll; short enough that a stopped
// poller ends promptly.
const pollWait = 2 * time.Second

// spawnEvery is the fastest a poller adds concurrent batch loops.
const spawnEvery = 100 * time.Millisecond

// defaultConcurrency bounds a mapping's concurrent batches without
// ScalingConfig or reserved concurrency.
const defaultConcurrency = 1000

// poller runs one mapping's batch loops on this node.
type poller struct {
	m      Mapping
	cancel context.CancelFunc
	done   chan struct{}
}

func (p *poller) stop() {
	p.cancel()
	<-p.done
}

func (s *Service) startPoller(m Mapping) *poller {
	ctx, cancel := context.WithCancel(context.Background())
	p := &poller{m: m, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		s.poll(ctx, m)
	}()
	return p
}

// poll runs batch loops: one always, more while batches keep coming, up to
// the concurrency limit.
func (s *Service) poll(ctx context.Context, m Mapping) {
	name, ok := s.queues.NameOfARN(m.EventSourceARN)
	if !ok {
		return
	}
	limit := defaultConcurrency
	if m.MaxConcurrency > 0 {
		limit = m.MaxConcurrency
	}
	if n, ok, err := s.functions.GetFunctionConcurrency(ctx, m.FunctionName); err == nil && ok && n < limit {
		limit = max(n, 1)
	}
	var patterns []*eventpattern.Pattern
	for _, src := range m.Filters {
		p, err := eventpattern.Compile([]byte(src))
		if err != nil {
			s.log.Warn("event source mapping: filter pattern", "uuid", m.UUID, "err", err)
			continue
		}
		patterns = append(patterns, p)
	}
	var (
		mu        sync.Mutex
		active    int
		lastSpawn time.Time
		loops     sync.WaitGroup
	)
	var loop func(first bool)
	loop = func(first bool) {
		defer loops.Done()
		for ctx.Err() == nil {
			batch, err := s.collect(ctx, m, name)
			if err != nil {
				if ctx.Err() == nil {
					s.log.Warn("event source mapping: receiving", "uuid", m.UUID, "err", err)
					sleep(ctx, time.Second)
				}
				continue
			}
			if len(batch) == 0 {
				if !first {
					mu.Lock()
					active--
					mu.Unlock()
					return
				}
				continue
			}
			// A full batch means messages wait: add a loop, at most one
			// per spawnEvery, so concurrency follows the backlog without
			// a burst of cold starts.
			mu.Lock()
			if active < limit && len(batch) >= min(10, m.BatchSize) && time.Since(lastSpawn) >= spawnEvery {
				active++
				lastSpawn = time.Now()
				loops.Add(1)
				go loop(false)
			}
			mu.Unlock()
			s.process(ctx, m, name, patterns, batch)
		}
	}
	active = 1
	loops.Add(1)
	go loop(true)
	<-ctx.Done()
	loops.Wait()
}

// collect receives one batch: up to BatchSize messages, waiting up to
// MaximumBatchingWindowInSeconds for a fuller batch once the first arrived.
func (s *Service) collect(ctx context.Context, m Mapping, name string) ([]queues.Received, error) {
	wait := pollWait
	got, err := s.queues.Receive(ctx, name, queues.ReceiveOptions{Max: min(10, m.BatchSize), Wait: &wait})
	if err != nil || len(got) == 0 || m.BatchWindow == 0 {
		return got, err
	}
	deadline := time.Now().Add(time.Duration(m.BatchWindow) * time.Second)
	for len(got) < m.BatchSize && ctx.Err() == nil {
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		w := min(left, 20*time.Second)
		more, err := s.queues.Receive(ctx, name, queues.ReceiveOptions{Max: min(10, m.BatchSize-len(got)), Wait: &w})
		if err != nil {
			return got, nil // deliver what we hold; the error shows again
		}
		got = append(got, more...)
	}
	return got, nil
}

// process invokes the function with one batch and settles it. The batch's
// invocation outlives a stop of the poller (it is bounded by the function's
// timeout), so a batch is never abandoned half-settled.
func (s *Service) process(ctx context.Context, m Mapping, name string, patterns []*eventpattern.Pattern, batch []queues.Received) {
	if ctx.Err() != nil {
		return // stopped: the batch becomes visible after its timeout
	}
	ctx = context.WithoutCancel(ctx)
	records := make([]sqsRecord, 0, len(batch))
	keep := batch[:0:0]
	for _, r := range batch {
		rec := s.record(m, r)
		if len(patterns) > 0 && !matches(patterns, rec) {
			// Lambda deletes messages no filter matches.
			s.delete(ctx, m, name, r)
			continue
		}
		records = append(records, rec)
		keep = append(keep, r)
	}
	if len(records) == 0 {
		return
	}
	payload, err := event(records)
	if err != nil {
		s.log.Error("event source mapping: encoding event", "uuid", m.UUID, "err", err)
		return
	}
	vt := 30
	if q, err := s.queues.Get(ctx, name); err == nil {
		vt = q.VisibilityTimeout()
	}
	start := time.Now()
	backoff := 10 * time.Millisecond
	for {
		resp, err := s.invoker.Invoke(ctx, invoke.Request{RequestID: ids.UUID(), FunctionName: m.FunctionName, Qualifier: m.Qualifier, Payload: payload})
		if isThrottle(err) {
			// Keep the batch: wait, and keep it invisible meanwhile so
			// a throttle never costs a receive (or a dead-letter).
			sleep(ctx, backoff)
			backoff = min(2*backoff, time.Second)
			if time.Since(start) > time.Duration(vt)*time.Second/2 {
				for _, r := range keep {
					_ = s.queues.ChangeVisibility(ctx, name, r.ReceiptHandle, vt)
				}
				start = time.Now()
			}
			continue
		}
		if err != nil {
			s.log.Warn("event source mapping: invoking", "uuid", m.UUID, "function", m.FunctionARN, "err", err)
			return // visible again after the timeout
		}
		if resp.FunctionError != "" {
			return // visible again after the timeout; redrive counts it
		}
		var failed map[string]bool
		if hasReportBatchItemFailures(m) {
			ids := map[string]bool{}
			for _, r := range keep {
				ids[r.MessageID] = true
			}
			var all bool
			if failed, all = failedItems(resp.Payload, ids); all {
				return
			}
		}
		for _, r := range keep {
			if !failed[r.MessageID] {
				s.delete(ctx, m, name, r)
			}
		}
		return
	}
}

// matches applies FilterCriteria to a record as Lambda does: a body that
// is a JSON object is matched as an object, any other body as a string.
func matches(patterns []*eventpattern.Pattern, rec sqsRecord) bool {
	raw, err := json.Marshal(rec)
	if err != nil {
		return false
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return false
	}
	var body map[string]any
	if json.Unmarshal([]byte(rec.Body), &body) == nil {
		doc["body"] = body
	}
	raw, err = json.Marshal(doc)
	if err != nil {
		return false
	}
	for _, p := range patterns {
		if ok, err := p.Match(raw); err == nil && ok {
			return true
		}
	}
	return false
}

func (s *Service) delete(ctx context.Context, m Mapping, name string, r queues.Received) {
	if err := s.queues.DeleteMessage(ctx, name, r.ReceiptHandle); err != nil {
		s.log.Warn("event source mapping: deleting message", "uuid", m.UUID, "err", err)
	}
}

func hasReportBatchItemFailures(m Mapping) bool {
	for _, t := range m.ResponseTypes {
		if t == ReportBatchItemFailures {
			return true
		}
	}
	return false
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
