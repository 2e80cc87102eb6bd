package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Stream is an append-only JetStream stream ("gust_"+name) whose messages
// are filed under keys (the last token of the subject "gust.<name>.<key>").
// JetStream numbers every message (Seq) and stamps it with the time it was
// stored; messages older than MaxAge are deleted by JetStream itself. It is
// safe for concurrent use.
type Stream struct {
	s    *Store
	js   jetstream.Stream
	name string // without the "gust_" prefix
}

// StreamOptions configures a stream when it is created or updated.
type StreamOptions struct {
	// MaxAge is how long JetStream keeps a message; 0 keeps it forever.
	MaxAge time.Duration
	// Meta is free-form metadata kept with the stream's configuration.
	Meta map[string]string
}

// StreamInfo describes a stream.
type StreamInfo struct {
	Name     string // as given to Stream, without the "gust_" prefix
	Created  time.Time
	MaxAge   time.Duration
	Meta     map[string]string
	Messages uint64
	Bytes    uint64
}

// Message is one stored message. Key and Data are what Append was given;
// Seq and Time are JetStream's (Seq grows with every message of the
// stream, Time is when it was stored).
type Message struct {
	Key  string
	Data []byte
	// ID, when set on Append, makes the append idempotent: JetStream
	// drops a message whose ID it stored within the last two minutes (the
	// duplicate window), so a batch whose Append failed can be sent again.
	// Read does not return it.
	ID   string
	Seq  uint64
	Time time.Time
}

// ReadOptions selects what Read delivers.
type ReadOptions struct {
	// Keys restricts Read to these keys; empty means every key.
	Keys []string
	// FromSeq is the first sequence to deliver (0: the oldest message).
	FromSeq uint64
	// FromTime, when FromSeq is 0, starts at the first message stored at
	// or after it.
	FromTime time.Time
}

const streamPrefix = "gust_"

// validToken is what a stream name or key may contain: one NATS subject
// token that is also a valid JetStream stream name.
var validToken = regexp.MustCompile(`^[-_=a-zA-Z0-9]+$`)

// defaultDuplicates is JetStream's default duplicate-detection window; it
// must not exceed MaxAge.
const defaultDuplicates = 2 * time.Minute

func (o StreamOptions) apply(cfg *jetstream.StreamConfig) {
	cfg.MaxAge = o.MaxAge
	cfg.Duplicates = defaultDuplicates
	if o.MaxAge > 0 && o.MaxAge < defaultDuplicates {
		cfg.Duplicates = o.MaxAge
	}
	cfg.Metadata = maps.Clone(o.Meta)
}

// Stream opens the stream name, creating it with o when it does not exist.
// An existing stream keeps its configuration (use Update to change it).
// name may only contain [-_=a-zA-Z0-9].
func (s *Store) Stream(ctx context.Context, name string, o StreamOptions) (*Stream, error) {
	if !validToken.MatchString(name) {
		return nil, fmt.Errorf("opening stream %q: %w", name, ErrInvalidKey)
	}
	st, err := s.OpenStream(ctx, name)
	if !errors.Is(err, ErrNotFound) {
		return st, err
	}
	cfg := jetstream.StreamConfig{
		Name:        streamPrefix + name,
		Subjects:    []string{"gust." + name + ".>"},
		Storage:     jetstream.FileStorage,
		Replicas:    s.replicas,
		AllowDirect: true,
		Discard:     jetstream.DiscardOld,
	}
	o.apply(&cfg)
	js, err := s.js.CreateStream(ctx, cfg)
	if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) { // lost a creation race
		return s.OpenStream(ctx, name)
	}
	if err != nil {
		return nil, fmt.Errorf("creating stream %q: %w", name, err)
	}
	return &Stream{s: s, js: js, name: name}, nil
}

// OpenStream opens an existing stream, or returns ErrNotFound.
func (s *Store) OpenStream(ctx context.Context, name string) (*Stream, error) {
	if !validToken.MatchString(name) {
		return nil, fmt.Errorf("opening stream %q: %w", name, ErrInvalidKey)
	}
	js, err := s.js.Stream(ctx, streamPrefix+name)
	if err != nil {
		return nil, fmt.Errorf("opening stream %q: %w", name, mapStreamErr(err))
	}
	return &Stream{s: s, js: js, name: name}, nil
}

// Streams describes every stream whose name starts with prefix, sorted by
// name.
func (s *Store) Streams(ctx context.Context, prefix string) ([]StreamInfo, error) {
	infos := []StreamInfo{}
	list := s.js.ListStreams(ctx, jetstream.WithStreamListSubject("gust.>"))
	for i := range list.Info() {
		if name, ok := strings.CutPrefix(i.Config.Name, streamPrefix+prefix); ok {
			infos = append(infos, streamInfo(prefix+name, i))
		}
	}
	if err := list.Err(); err != nil {
		return nil, fmt.Errorf("listing streams %q: %w", prefix, err)
	}
	slices.SortFunc(infos, func(a, b StreamInfo) int { return strings.Compare(a.Name, b.Name) })
	return infos, nil
}

// DeleteStream deletes a stream and all its messages, or returns
// ErrNotFound.
func (s *Store) DeleteStream(ctx context.Context, name string) error {
	if !validToken.MatchString(name) {
		return fmt.Errorf("deleting stream %q: %w", name, ErrInvalidKey)
	}
	if err := s.js.DeleteStream(ctx, streamPrefix+name); err != nil {
		return fmt.Errorf("deleting stream %q: %w", name, mapStreamErr(err))
	}
	return nil
}

func streamInfo(name string, i *jetstream.StreamInfo) StreamInfo {
	return StreamInfo{
		Name:     name,
		Created:  i.Created,
		MaxAge:   i.Config.MaxAge,
		Meta:     i.Config.Metadata,
		Messages: i.State.Msgs,
		Bytes:    i.State.Bytes,
	}
}

// Name is the stream's name as given to Stream.
func (st *Stream) Name() string { return st.name }

// Info describes the stream now.
func (st *Stream) Info(ctx context.Context) (StreamInfo, error) {
	i, err := st.js.Info(ctx)
	if err != nil {
		return StreamInfo{}, fmt.Errorf("describing stream %q: %w", st.name, mapStreamErr(err))
	}
	return streamInfo(st.name, i), nil
}

// Update replaces the stream's MaxAge and metadata. Shortening MaxAge
// makes JetStream delete the messages now older than it.
func (st *Stream) Update(ctx context.Context, o StreamOptions) error {
	i, err := st.js.Info(ctx)
	if err != nil {
		return fmt.Errorf("updating stream %q: %w", st.name, mapStreamErr(err))
	}
	cfg := i.Config
	o.apply(&cfg)
	if _, err := st.s.js.UpdateStream(ctx, cfg); err != nil {
		return fmt.Errorf("updating stream %q: %w", st.name, mapStreamErr(err))
	}
	return nil
}

func (st *Stream) subject(key string) string { return "gust." + st.name + "." + key }

// Append stores msgs (their Key and Data) in order and returns once
// JetStream has acknowledged every one. It fails with ErrNotFound when the
// stream has been deleted.
func (st *Stream) Append(ctx context.Context, msgs []Message) error {
	futures := make([]jetstream.PubAckFuture, 0, len(msgs))
	for _, m := range msgs {
		if !validToken.MatchString(m.Key) {
			return fmt.Errorf("appending to stream %q: key %q: %w", st.name, m.Key, ErrInvalidKey)
		}
		opts := []jetstream.PublishOpt{jetstream.WithExpectStream(streamPrefix + st.name)}
		if m.ID != "" {
			opts = append(opts, jetstream.WithMsgID(m.ID))
		}
		f, err := st.s.js.PublishAsync(st.subject(m.Key), m.Data, opts...)
		if err != nil {
			return fmt.Errorf("appending to stream %q: %w", st.name, mapStreamErr(err))
		}
		futures = append(futures, f)
	}
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			return fmt.Errorf("appending to stream %q: %w", st.name, mapStreamErr(err))
		case <-ctx.Done():
			return fmt.Errorf("appending to stream %q: %w", st.name, ctx.Err())
		}
	}
	return nil
}

// Keys counts the messages stored under each key.
func (st *Stream) Keys(ctx context.Context) (map[string]uint64, error) {
	prefix := st.subject("")
	i, err := st.js.Info(ctx, jetstream.WithSubjectFilter(prefix+">"))
	if err != nil {
		return nil, fmt.Errorf("listing keys of stream %q: %w", st.name, mapStreamErr(err))
	}
	keys := make(map[string]uint64, len(i.State.Subjects))
	for subj, n := range i.State.Subjects {
		keys[strings.TrimPrefix(subj, prefix)] = n
	}
	return keys, nil
}

// First returns the oldest message under key, or ErrNotFound.
func (st *Stream) First(ctx context.Context, key string) (Message, error) {
	m, err := st.js.GetMsg(ctx, 1, jetstream.WithGetMsgSubject(st.subject(key)))
	if err != nil {
		return Message{}, fmt.Errorf("reading first message of %q in stream %q: %w", key, st.name, mapStreamErr(err))
	}
	return st.message(m.Subject, m.Data, m.Sequence, m.Time), nil
}

// Last returns the newest message under key, or ErrNotFound.
func (st *Stream) Last(ctx context.Context, key string) (Message, error) {
	m, err := st.js.GetLastMsgForSubject(ctx, st.subject(key))
	if err != nil {
		return Message{}, fmt.Errorf("reading last message of %q in stream %q: %w", key, st.name, mapStreamErr(err))
	}
	return st.message(m.Subject, m.Data, m.Sequence, m.Time), nil
}

func (st *Stream) message(subject string, data []byte, seq uint64, at time.Time) Message {
	return Message{Key: strings.TrimPrefix(subject, st.subject("")), Data: data, Seq: seq, Time: at}
}

// readBatch is how many messages Read asks JetStream for at a time.
const readBatch = 512

// Read calls fn with the stream's messages in sequence order, from the
// point o selects, until fn returns false or the messages stored when Read
// began (and any stored meanwhile) are exhausted. It never waits for new
// messages.
func (st *Stream) Read(ctx context.Context, o ReadOptions, fn func(Message) bool) error {
	cfg := jetstream.ConsumerConfig{
		AckPolicy:         jetstream.AckNonePolicy,
		InactiveThreshold: time.Minute, // a crashed reader's consumer goes away
		MemoryStorage:     true,
		Replicas:          1,
		DeliverPolicy:     jetstream.DeliverAllPolicy,
	}
	for _, k := range o.Keys {
		if !validToken.MatchString(k) {
			return fmt.Errorf("reading stream %q: key %q: %w", st.name, k, ErrInvalidKey)
		}
		cfg.FilterSubjects = append(cfg.FilterSubjects, st.subject(k))
	}
	switch {
	case o.FromSeq > 0:
		cfg.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
		cfg.OptStartSeq = o.FromSeq
	case !o.FromTime.IsZero():
		cfg.DeliverPolicy = jetstream.DeliverByStartTimePolicy
		t := o.FromTime
		cfg.OptStartTime = &t
	}
	cons, err := st.js.CreateConsumer(ctx, cfg)
	if err != nil {
		return fmt.Errorf("reading stream %q: %w", st.name, mapStreamErr(err))
	}
	info := cons.CachedInfo()
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = st.js.DeleteConsumer(dctx, info.Name)
	}()
	if info.NumPending == 0 {
		return nil
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(readBatch))
	if err != nil {
		return fmt.Errorf("reading stream %q: %w", st.name, err)
	}
	defer it.Stop()
	for {
		m, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return fmt.Errorf("reading stream %q: %w", st.name, err)
		}
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("reading stream %q: %w", st.name, err)
		}
		if !fn(st.message(m.Subject(), m.Data(), md.Sequence.Stream, md.Timestamp)) || md.NumPending == 0 {
			return nil
		}
	}
}

func mapStreamErr(err error) error {
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound),
		errors.Is(err, jetstream.ErrMsgNotFound),
		errors.Is(err, jetstream.ErrNoStreamResponse),
		errors.Is(err, nats.ErrNoResponders):
		return fmt.Errorf("%w (%v)", ErrNotFound, err)
	}
	return err
}
