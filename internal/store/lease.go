package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// LeaseStream is a JetStream stream with work-queue retention whose
// messages are leased to consumers: a fetched message stays invisible to
// other fetches until its lease is acknowledged (the message is gone),
// released (visible again after a delay) or runs out (AckWait). Leases are
// named by opaque tokens that any node can settle later, so a message
// fetched through one server can be deleted through another. Messages are
// filed under keys of one or more subject tokens ("r", "g.<id>"); consumers
// read disjoint keys. A message published with At is kept aside and
// published to its Target key by JetStream itself at that time.
type LeaseStream struct {
	s      *Store
	js     jetstream.Stream
	name   string // JetStream's name: "gustq_" + the caller's
	prefix string // subject prefix "gustq.<name>."
}

// LeaseStreamOptions configures a lease stream.
type LeaseStreamOptions struct {
	// MaxAge: JetStream deletes messages older than this (0: never).
	MaxAge time.Duration
	// Duplicates is how long a Publication's ID is remembered to drop a
	// second publication with the same ID (0: JetStream's default).
	Duplicates time.Duration
}

// Publication is one message to publish.
type Publication struct {
	Key    string
	ID     string // optional: deduplication within the Duplicates window
	Header map[string]string
	Data   []byte
	// At, when set, holds the message back: it is stored under Key and
	// JetStream publishes a copy under Target at At (then drops it).
	At     time.Time
	Target string
}

// StoredMessage is a message as stored.
type StoredMessage struct {
	Key    string
	Header map[string]string
	Data   []byte
	Seq    uint64
	Time   time.Time
}

// Lease is one fetched message and the token that settles it.
type Lease struct {
	StoredMessage
	Token string
	// Delivered counts the times the message was handed out, this one
	// included.
	Delivered uint64
}

const leasePrefix = "gustq_"

// ValidLeaseName reports whether name can name a lease stream.
func ValidLeaseName(name string) bool { return validToken.MatchString(name) }

// LeaseStream opens (creating or updating its options) the lease stream name.
func (s *Store) LeaseStream(ctx context.Context, name string, o LeaseStreamOptions) (*LeaseStream, error) {
	if !validToken.MatchString(name) {
		return nil, fmt.Errorf("opening lease stream %q: %w", name, ErrInvalidKey)
	}
	dup := o.Duplicates
	if dup == 0 {
		dup = defaultDuplicates
	}
	if o.MaxAge > 0 && dup > o.MaxAge {
		dup = o.MaxAge
	}
	cfg := jetstream.StreamConfig{
		Name:              leasePrefix + name,
		Subjects:          []string{"gustq." + name + ".>"},
		Retention:         jetstream.WorkQueuePolicy,
		Storage:           jetstream.FileStorage,
		Replicas:          s.replicas,
		MaxAge:            o.MaxAge,
		Duplicates:        dup,
		AllowMsgSchedules: true,
		AllowRollup:       true,
		AllowDirect:       true,
	}
	js, err := s.js.CreateOrUpdateStream(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("opening lease stream %q: %w", name, mapStreamErr(err))
	}
	return &LeaseStream{s: s, js: js, name: leasePrefix + name, prefix: "gustq." + name + "."}, nil
}

// DeleteLeaseStream deletes a lease stream, its messages and consumers.
func (s *Store) DeleteLeaseStream(ctx context.Context, name string) error {
	if !validToken.MatchString(name) {
		return fmt.Errorf("deleting lease stream %q: %w", name, ErrInvalidKey)
	}
	if err := s.js.DeleteStream(ctx, leasePrefix+name); err != nil {
		return fmt.Errorf("deleting lease stream %q: %w", name, mapStreamErr(err))
	}
	return nil
}

// Publish stores p and returns its sequence number. When p.ID was
// published within the Duplicates window, nothing is stored and seq is the
// first message's, with duplicate set.
func (ls *LeaseStream) Publish(ctx context.Context, p Publication) (seq uint64, duplicate bool, err error) {
	msg := nats.NewMsg(ls.prefix + p.Key)
	msg.Data = p.Data
	for k, v := range p.Header {
		msg.Header.Set(k, v)
	}
	if !p.At.IsZero() {
		msg.Header.Set("Nats-Schedule", "@at "+p.At.UTC().Format(time.RFC3339Nano))
		msg.Header.Set("Nats-Schedule-Target", ls.prefix+p.Target)
	}
	opts := []jetstream.PublishOpt{jetstream.WithExpectStream(ls.name)}
	if p.ID != "" {
		opts = append(opts, jetstream.WithMsgID(p.ID))
	}
	ack, err := ls.s.js.PublishMsg(ctx, msg, opts...)
	if err != nil {
		return 0, false, fmt.Errorf("publishing to %s: %w", ls.name, mapStreamErr(err))
	}
	return ack.Sequence, ack.Duplicate, nil
}

// Get reads the message seq, or ErrNotFound.
func (ls *LeaseStream) Get(ctx context.Context, seq uint64) (StoredMessage, error) {
	m, err := ls.js.GetMsg(ctx, seq)
	if err != nil {
		return StoredMessage{}, fmt.Errorf("reading message %d of %s: %w", seq, ls.name, mapStreamErr(err))
	}
	return StoredMessage{Key: strings.TrimPrefix(m.Subject, ls.prefix), Header: flatHeader(m.Header), Data: m.Data, Seq: m.Sequence, Time: m.Time}, nil
}

// Counts returns the number of messages under each key matching pattern
// (a key whose tokens may be "*"), for example "g.*".
func (ls *LeaseStream) Counts(ctx context.Context, pattern string) (map[string]uint64, error) {
	i, err := ls.js.Info(ctx, jetstream.WithSubjectFilter(ls.prefix+pattern))
	if err != nil {
		return nil, fmt.Errorf("counting messages of %s: %w", ls.name, mapStreamErr(err))
	}
	out := make(map[string]uint64, len(i.State.Subjects))
	for subj, n := range i.State.Subjects {
		out[strings.TrimPrefix(subj, ls.prefix)] = n
	}
	return out, nil
}

// LeaseStreamState is what the stream holds now.
type LeaseStreamState struct {
	Messages uint64
	Bytes    uint64
	// FirstTime is when the oldest message still held was stored.
	FirstTime time.Time
}

// State describes the stream.
func (ls *LeaseStream) State(ctx context.Context) (LeaseStreamState, error) {
	i, err := ls.js.Info(ctx)
	if err != nil {
		return LeaseStreamState{}, fmt.Errorf("describing %s: %w", ls.name, mapStreamErr(err))
	}
	st := LeaseStreamState{Messages: i.State.Msgs, Bytes: i.State.Bytes}
	if i.State.Msgs > 0 {
		st.FirstTime = i.State.FirstTime
	}
	return st, nil
}

// Purge deletes every message.
func (ls *LeaseStream) Purge(ctx context.Context) error {
	if err := ls.js.Purge(ctx); err != nil {
		return fmt.Errorf("purging %s: %w", ls.name, mapStreamErr(err))
	}
	return nil
}

// LeaseConsumerOptions configures a consumer.
type LeaseConsumerOptions struct {
	// AckWait is the default lease: an unsettled message is handed out
	// again after it.
	AckWait time.Duration
	// MaxLeased bounds the messages leased at once (0: unbounded). One
	// makes a strictly ordered consumer: the next message waits until
	// the current one is acknowledged.
	MaxLeased int
	// InactiveThreshold, when set, lets JetStream delete the consumer
	// after that long without fetches; work-queue retention means a
	// consumer recreated later resumes where it stopped.
	InactiveThreshold time.Duration
}

// LeaseConsumer hands out the messages under one key.
type LeaseConsumer struct {
	ls      *LeaseStream
	c       jetstream.Consumer
	ackWait time.Duration
}

// Consumer opens (creating or updating) the durable consumer name of the
// messages under key (a key pattern may end in ">").
func (ls *LeaseStream) Consumer(ctx context.Context, name, key string, o LeaseConsumerOptions) (*LeaseConsumer, error) {
	if !validToken.MatchString(name) {
		return nil, fmt.Errorf("opening consumer %q of %s: %w", name, ls.name, ErrInvalidKey)
	}
	maxAck := o.MaxLeased
	if maxAck == 0 {
		maxAck = -1
	}
	c, err := ls.js.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:           name,
		FilterSubject:     ls.prefix + key,
		AckPolicy:         jetstream.AckExplicitPolicy,
		AckWait:           o.AckWait,
		MaxDeliver:        -1,
		MaxAckPending:     maxAck,
		MaxWaiting:        4096,
		InactiveThreshold: o.InactiveThreshold,
	})
	if err != nil {
		return nil, fmt.Errorf("opening consumer %q of %s: %w", name, ls.name, mapStreamErr(err))
	}
	return &LeaseConsumer{ls: ls, c: c, ackWait: o.AckWait}, nil
}

// AckWait is the consumer's default lease.
func (c *LeaseConsumer) AckWait() time.Duration { return c.ackWait }

// Fetch leases up to n messages. With wait > 0 it waits up to wait for the
// first one when none is ready, then takes whatever else is ready.
func (c *LeaseConsumer) Fetch(ctx context.Context, n int, wait time.Duration) ([]Lease, error) {
	out, err := c.fetch(ctx, n, 0)
	if err != nil || len(out) > 0 || wait <= 0 {
		return out, err
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		wait = time.Until(dl)
	}
	if wait < 10*time.Millisecond {
		return nil, nil
	}
	out, err = c.fetch(ctx, 1, wait)
	if err != nil || len(out) == 0 || n == 1 {
		return out, err
	}
	more, err := c.fetch(ctx, n-1, 0)
	return append(out, more...), err
}

// fetch pulls up to n messages: those ready now (wait 0), or the first to
// arrive within wait. Cancelling ctx ends the wait early.
func (c *LeaseConsumer) fetch(ctx context.Context, n int, wait time.Duration) ([]Lease, error) {
	var (
		batch jetstream.MessageBatch
		err   error
	)
	if wait > 0 {
		wctx, cancel := context.WithTimeout(ctx, wait)
		defer cancel()
		batch, err = c.c.Fetch(n, jetstream.FetchContext(wctx))
	} else {
		batch, err = c.c.FetchNoWait(n)
	}
	if err != nil {
		return nil, fmt.Errorf("fetching from %s: %w", c.ls.name, mapStreamErr(err))
	}
	var out []Lease
	for m := range batch.Messages() {
		md, err := m.Metadata()
		if err != nil {
			continue
		}
		out = append(out, Lease{
			StoredMessage: StoredMessage{Key: strings.TrimPrefix(m.Subject(), c.ls.prefix), Header: flatHeader(m.Headers()), Data: m.Data(), Seq: md.Sequence.Stream, Time: md.Timestamp},
			Token:         m.Reply(),
			Delivered:     md.NumDelivered,
		})
	}
	if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		return out, fmt.Errorf("fetching from %s: %w", c.ls.name, err)
	}
	return out, nil
}

// ConsumerState is a consumer's view of its messages.
type ConsumerState struct {
	// Waiting: not yet handed out. Leased: handed out and not settled.
	Waiting, Leased uint64
}

// State reads the consumer's counts.
func (c *LeaseConsumer) State(ctx context.Context) (ConsumerState, error) {
	i, err := c.c.Info(ctx)
	if err != nil {
		return ConsumerState{}, fmt.Errorf("describing consumer of %s: %w", c.ls.name, mapStreamErr(err))
	}
	return ConsumerState{Waiting: i.NumPending, Leased: uint64(i.NumAckPending)}, nil
}

// ErrBadToken: a lease token that this stream did not hand out.
var ErrBadToken = errors.New("store: not a lease token of this stream")

// CheckToken reports whether token names a lease of this stream and returns
// the message's sequence number.
func (ls *LeaseStream) CheckToken(token string) (uint64, error) {
	// $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>
	// or, with a domain and account hash,
	// $JS.ACK.<domain>.<hash>.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>[.<token>]
	parts := strings.Split(token, ".")
	var rest []string
	switch {
	case len(parts) == 9 && parts[0] == "$JS" && parts[1] == "ACK":
		rest = parts[2:]
	case (len(parts) == 11 || len(parts) == 12) && parts[0] == "$JS" && parts[1] == "ACK":
		rest = parts[4:11]
	default:
		return 0, ErrBadToken
	}
	if rest[0] != ls.name || !validToken.MatchString(rest[1]) {
		return 0, ErrBadToken
	}
	var seq uint64
	for i, p := range rest[2:] {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return 0, ErrBadToken
		}
		if i == 1 {
			seq = n
		}
	}
	for _, p := range parts {
		if p == "" || strings.ContainsAny(p, "*> \t\r\n") {
			return 0, ErrBadToken
		}
	}
	return seq, nil
}

// Ack removes a leased message for good (waiting for JetStream's
// confirmation). Acknowledging a message already gone is not an error.
func (ls *LeaseStream) Ack(ctx context.Context, token string) error {
	if _, err := ls.CheckToken(token); err != nil {
		return err
	}
	if _, err := ls.s.nc.RequestWithContext(ctx, token, []byte("+ACK")); err != nil {
		return fmt.Errorf("acknowledging a message of %s: %w", ls.name, err)
	}
	return nil
}

// AckAsync removes a leased message without waiting for confirmation.
func (ls *LeaseStream) AckAsync(token string) error {
	if _, err := ls.CheckToken(token); err != nil {
		return err
	}
	if err := ls.s.nc.Publish(token, []byte("+ACK")); err != nil {
		return fmt.Errorf("acknowledging a message of %s: %w", ls.name, err)
	}
	return nil
}

// Release makes a leased message visible again after delay (0: now). The
// lease stays valid until then: Ack still removes the message.
func (ls *LeaseStream) Release(ctx context.Context, token string, delay time.Duration) error {
	if _, err := ls.CheckToken(token); err != nil {
		return err
	}
	body := []byte("-NAK")
	if delay > 0 {
		body = fmt.Appendf(nil, `-NAK {"delay": %d}`, delay.Nanoseconds())
	}
	if _, err := ls.s.nc.RequestWithContext(ctx, token, body); err != nil {
		return fmt.Errorf("releasing a message of %s: %w", ls.name, err)
	}
	return nil
}

// Subscribe calls fn (on NATS's goroutine; it must not block) whenever a
// message is published under key (a pattern), until stop is called.
func (ls *LeaseStream) Subscribe(key string, fn func()) (stop func(), err error) {
	sub, err := ls.s.nc.Subscribe(ls.prefix+key, func(*nats.Msg) { fn() })
	if err != nil {
		return nil, fmt.Errorf("subscribing to %s: %w", ls.name, err)
	}
	return func() { _ = sub.Unsubscribe() }, nil
}

func flatHeader(h nats.Header) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for k, v := range h {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out
}
