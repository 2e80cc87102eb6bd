package store

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Queue is a durable work queue: a JetStream stream with work-queue
// retention and one shared durable consumer. A message published and
// acknowledged by Publish survives a crash of this process, and is handed
// to Consume until a handler acknowledges it.
type Queue struct {
	s       *Store
	subject string
	stream  jetstream.Stream
	cons    jetstream.Consumer
}

// QueueOptions configures a queue.
type QueueOptions struct {
	// AckWait is how long a delivery may go unacknowledged (and without
	// InProgress) before it is handed out again, for example after a crash.
	AckWait time.Duration
}

// Queue opens or creates the queue called name.
func (s *Store) Queue(ctx context.Context, name string, o QueueOptions) (*Queue, error) {
	if !validBucket.MatchString(name) {
		return nil, fmt.Errorf("opening queue %q: %w", name, ErrInvalidKey)
	}
	streamName := "gust_" + name
	subject := "gust.queue." + name
	stream, err := s.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:       streamName,
		Subjects:   []string{subject},
		Retention:  jetstream.WorkQueuePolicy,
		Storage:    jetstream.FileStorage,
		Replicas:   s.replicas,
		Duplicates: 2 * time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("opening queue %s: %w", name, err)
	}
	cons, err := stream.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       "workers",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       o.AckWait,
		MaxDeliver:    -1,
		MaxAckPending: 10000,
	})
	if err != nil {
		return nil, fmt.Errorf("opening consumer of queue %s: %w", name, err)
	}
	return &Queue{s: s, subject: subject, stream: stream, cons: cons}, nil
}

// Publish stores data durably; id deduplicates retried publishes of the
// same message within two minutes.
func (q *Queue) Publish(ctx context.Context, id string, data []byte) error {
	msg := nats.NewMsg(q.subject)
	msg.Data = data
	msg.Header.Set(jetstream.MsgIDHeader, id)
	if _, err := q.s.js.PublishMsg(ctx, msg); err != nil {
		return fmt.Errorf("publishing to %s: %w", q.subject, err)
	}
	return nil
}

// Delivery is one message handed to a consumer.
type Delivery struct{ msg jetstream.Msg }

// Data is the message body.
func (d Delivery) Data() []byte { return d.msg.Data() }

// Ack removes the message from the queue for good.
func (d Delivery) Ack() error { return d.msg.DoubleAck(context.Background()) }

// Retry hands the message out again after delay.
func (d Delivery) Retry(delay time.Duration) error { return d.msg.NakWithDelay(delay) }

// InProgress resets the AckWait clock of a long-running delivery.
func (d Delivery) InProgress() error { return d.msg.InProgress() }

// Delivered counts how often the message has been handed out, this time
// included.
func (d Delivery) Delivered() uint64 {
	md, err := d.msg.Metadata()
	if err != nil {
		return 1
	}
	return md.NumDelivered
}

// Consume calls handle for each delivery, at most max at once, until ctx
// ends; it then waits for running handlers to return. Handlers must Ack or
// Retry; one that does neither sees its message again after AckWait.
func (q *Queue) Consume(ctx context.Context, max int, handle func(context.Context, Delivery)) error {
	slots := make(chan struct{}, max)
	var running sync.WaitGroup
	cc, err := q.cons.Consume(func(msg jetstream.Msg) {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			_ = msg.Nak()
			return
		}
		running.Add(1)
		go func() {
			defer func() { <-slots; running.Done() }()
			handle(ctx, Delivery{msg})
		}()
	}, jetstream.PullMaxMessages(max))
	if err != nil {
		return fmt.Errorf("consuming %s: %w", q.subject, err)
	}
	<-ctx.Done()
	cc.Stop()
	<-cc.Closed()
	running.Wait()
	return nil
}

// Depth reports how many messages wait in the queue, delivered or not.
func (q *Queue) Depth(ctx context.Context) (uint64, error) {
	info, err := q.stream.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("reading queue depth: %w", err)
	}
	return info.State.Msgs, nil
}
