package queues

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"gust/internal/ids"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"gust/internal/apierror"
)

// MoveTask is a message move task (a DLQ redrive) as ListMessageMoveTasks
// reports it.
type MoveTask struct {
	Handle         string
	Status         string // RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED
	SourceARN      string
	DestinationARN string
	MaxPerSecond   int
	Moved, ToMove  int64
	FailureReason  string
	Started        time.Time
	cancel         context.CancelFunc
}

// taskList holds this node's move tasks. Tasks run on the node that
// started them and do not survive a restart (messages already moved stay
// moved; the rest stay in the dead-letter queue).
type taskList struct {
	mu      sync.Mutex
	tasks   []*MoveTask
	running sync.WaitGroup
	closed  bool
}

// Close cancels running move tasks and waits for them.
func (s *Service) Close() {
	s.tasks.mu.Lock()
	s.tasks.closed = true
	for _, t := range s.tasks.tasks {
		if t.cancel != nil {
			t.cancel()
		}
	}
	s.tasks.mu.Unlock()
	s.tasks.running.Wait()
}

// StartMoveTask starts moving the messages of a dead-letter queue back to
// their source queues (destination "") or to destination.
func (s *Service) StartMoveTask(ctx context.Context, sourceARN, destinationARN string, maxPerSecond int) (string, error) {
	src, ok := s.nameOfARN(sourceARN)
	if !ok {
		return "", sqsErr(CodeResourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	if _, err := s.Get(ctx, src); err != nil {
		return "", sqsErr(CodeResourceNotFound, "The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	if maxPerSecond < 0 || maxPerSecond > 500 {
		return "", invalidParam("Value %d for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: must be between 1 and 500.", maxPerSecond)
	}
	sources, err := s.DeadLetterSources(ctx, src)
	if err != nil {
		return "", err
	}
	if len(sources) == 0 {
		return "", invalidParam("Source queue must be configured as a Dead Letter Queue.")
	}
	if destinationARN != "" {
		dst, ok := s.nameOfARN(destinationARN)
		if !ok {
			return "", sqsErr(CodeResourceNotFound, "The resource that you specified for the DestinationArn parameter doesn't exist.")
		}
		if _, err := s.Get(ctx, dst); err != nil {
			return "", sqsErr(CodeResourceNotFound, "The resource that you specified for the DestinationArn parameter doesn't exist.")
		}
	}
	q, err := s.Get(ctx, src)
	if err != nil {
		return "", err
	}
	d, err := s.Depth(ctx, q)
	if err != nil {
		return "", err
	}
	s.tasks.mu.Lock()
	defer s.tasks.mu.Unlock()
	if s.tasks.closed {
		return "", apierror.New("InternalError", "shutting down").WithStatus(http.StatusInternalServerError)
	}
	for _, t := range s.tasks.tasks {
		if t.SourceARN == sourceARN && t.Status == "RUNNING" {
			return "", invalidParam("There is already a task running. Only one active task is allowed for a source queue arn at a given time.")
		}
	}
	b, _ := json.Marshal(map[string]string{"taskId": ids.UUID(), "sourceArn": sourceARN})
	runCtx, cancel := context.WithCancel(context.Background())
	t := &MoveTask{Handle: base64.StdEncoding.EncodeToString(b), Status: "RUNNING", SourceARN: sourceARN, DestinationARN: destinationARN,
		MaxPerSecond: maxPerSecond, ToMove: int64(d.Visible), Started: time.Now(), cancel: cancel}
	s.tasks.tasks = append(s.tasks.tasks, t)
	s.tasks.running.Add(1)
	go func() {
		defer s.tasks.running.Done()
		defer cancel()
		s.runMove(runCtx, src, t)
	}()
	return t.Handle, nil
}

func (s *Service) runMove(ctx context.Context, src string, t *MoveTask) {
	finish := func(status, reason string) {
		s.tasks.mu.Lock()
		t.Status, t.FailureReason = status, reason
		s.tasks.mu.Unlock()
	}
	var tick <-chan time.Time
	if t.MaxPerSecond > 0 {
		ticker := time.NewTicker(time.Second / time.Duration(t.MaxPerSecond))
		defer ticker.Stop()
		tick = ticker.C
	}
	vt := 30
	for {
		s.tasks.mu.Lock()
		done := t.Moved >= t.ToMove
		s.tasks.mu.Unlock()
		if done {
			finish("COMPLETED", "")
			return
		}
		if ctx.Err() != nil {
			finish("CANCELLED", "")
			return
		}
		got, err := s.Receive(ctx, src, ReceiveOptions{Max: 10, Visibility: &vt})
		if err != nil {
			if ctx.Err() != nil {
				finish("CANCELLED", "")
			} else {
				finish("FAILED", err.Error())
			}
			return
		}
		if len(got) == 0 {
			finish("COMPLETED", "")
			return
		}
		for _, r := range got {
			if tick != nil {
				select {
				case <-tick:
				case <-ctx.Done():
				}
			}
			dest := t.DestinationARN
			if dest == "" {
				dest = r.System["DeadLetterQueueSourceArn"]
			}
			name, ok := s.nameOfARN(dest)
			if !ok {
				continue
			}
			m := Message{Body: r.Body, Attributes: r.Attributes, MessageGroupID: r.System["MessageGroupId"], SenderID: r.System["SenderId"], TraceHeader: r.System["AWSTraceHeader"]}
			if strings.HasSuffix(name, ".fifo") {
				m.DeduplicationID = r.System["MessageDeduplicationId"]
			}
			zero := 0
			if !strings.HasSuffix(name, ".fifo") {
				m.DelaySeconds = &zero
			}
			if _, err := s.Send(context.WithoutCancel(ctx), name, m); err != nil {
				finish("FAILED", err.Error())
				return
			}
			if err := s.DeleteMessage(context.WithoutCancel(ctx), src, r.ReceiptHandle); err != nil {
				s.log.Warn("removing moved message", "queue", src, "err", err)
			}
			s.tasks.mu.Lock()
			t.Moved++
			s.tasks.mu.Unlock()
		}
	}
}

// CancelMoveTask cancels a running task and returns how many messages it
// moved.
func (s *Service) CancelMoveTask(handle string) (int64, error) {
	s.tasks.mu.Lock()
	defer s.tasks.mu.Unlock()
	for _, t := range s.tasks.tasks {
		if t.Handle == handle {
			if t.Status != "RUNNING" {
				return 0, invalidParam("Only active tasks can be cancelled.")
			}
			t.Status = "CANCELLING"
			t.cancel()
			return t.Moved, nil
		}
	}
	return 0, sqsErr(CodeResourceNotFound, "Task does not exist.")
}

// MoveTasks lists the most recent tasks of a source queue, newest first.
func (s *Service) MoveTasks(sourceARN string, max int) []MoveTask {
	s.tasks.mu.Lock()
	defer s.tasks.mu.Unlock()
	var out []MoveTask
	for _, t := range slices.Backward(s.tasks.tasks) {
		if t.SourceARN == sourceARN && len(out) < max {
			c := *t
			c.cancel = nil
			out = append(out, c)
		}
	}
	return out
}
