package logstore

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gust/internal/store"
)

// Errors; match them with errors.Is.
var (
	ErrGroupNotFound  = errors.New("log group not found")
	ErrStreamNotFound = errors.New("log stream not found")
	ErrGroupExists    = errors.New("log group already exists")
	ErrStreamExists   = errors.New("log stream already exists")
)

// Group is a log group.
type Group struct {
	Name          string
	Created       time.Time
	RetentionDays int // 0: events never expire
	StoredBytes   uint64
	GroupSettings
}

// GroupSettings are what CreateLogGroup sets besides the name: kept with
// the group and returned, KmsKeyID and Class without changing how events
// are stored (README says so).
type GroupSettings struct {
	Tags     map[string]string
	KmsKeyID string
	Class    string // STANDARD (the default), INFREQUENT_ACCESS or DELIVERY
}

// LogStream is a log stream (one execution environment's output).
type LogStream struct {
	Name          string
	Created       time.Time // when its first message (events or CreateLogStream's) was stored
	FirstEvent    time.Time // zero while it has no events
	LastEvent     time.Time
	LastIngestion time.Time
}

// Store keeps log groups in JetStream. It is safe for concurrent use.
type Store struct {
	st *store.Store

	mu       sync.Mutex
	writable map[string]*store.Stream // by group, for Append
}

// New returns a Store on st.
func New(st *store.Store) *Store {
	return &Store{st: st, writable: map[string]*store.Stream{}}
}

const day = 24 * time.Hour

// Append stores entries in group, creating the group (without retention)
// when it does not exist, as Lambda does on a function's first line.
func (s *Store) Append(ctx context.Context, group string, entries []Entry) error {
	var msgs []store.Message
	byStream := map[string][]Entry{}
	var order []string
	for _, e := range entries {
		if _, ok := byStream[e.Stream]; !ok {
			order = append(order, e.Stream)
		}
		byStream[e.Stream] = append(byStream[e.Stream], e)
	}
	for _, stream := range order {
		k := key(stream)
		for _, data := range pack(byStream[stream]) {
			msgs = append(msgs, store.Message{Key: k, Data: data})
		}
	}
	for attempt := 0; ; attempt++ {
		st, err := s.open(ctx, group)
		if err != nil {
			return err
		}
		err = st.Append(ctx, msgs)
		if errors.Is(err, store.ErrNotFound) && attempt == 0 {
			s.forget(group) // deleted meanwhile: create it again
			continue
		}
		if err != nil {
			return fmt.Errorf("storing %d lines in %s: %w", len(entries), group, err)
		}
		return nil
	}
}

func (s *Store) open(ctx context.Context, group string) (*store.Stream, error) {
	s.mu.Lock()
	st := s.writable[group]
	s.mu.Unlock()
	if st != nil {
		return st, nil
	}
	st, err := s.st.Stream(ctx, streamName(group), store.StreamOptions{Meta: map[string]string{metaGroup: group}})
	if err != nil {
		return nil, fmt.Errorf("creating log group %s: %w", group, err)
	}
	s.mu.Lock()
	s.writable[group] = st
	s.mu.Unlock()
	return st, nil
}

func (s *Store) forget(group string) {
	s.mu.Lock()
	delete(s.writable, group)
	s.mu.Unlock()
}

// lookup opens an existing group.
func (s *Store) lookup(ctx context.Context, group string) (*store.Stream, Group, error) {
	st, err := s.st.OpenStream(ctx, streamName(group))
	if errors.Is(err, store.ErrNotFound) {
		return nil, Group{}, fmt.Errorf("%s: %w", group, ErrGroupNotFound)
	}
	if err != nil {
		return nil, Group{}, fmt.Errorf("opening log group %s: %w", group, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, Group{}, fmt.Errorf("describing log group %s: %w", group, err)
	}
	return st, groupOf(info), nil
}

func groupOf(i store.StreamInfo) Group {
	days, _ := strconv.Atoi(i.Meta[metaRetention])
	g := Group{Name: i.Meta[metaGroup], Created: i.Created, RetentionDays: days, StoredBytes: i.Bytes}
	g.KmsKeyID, g.Class = i.Meta[metaKmsKey], cmp.Or(i.Meta[metaClass], "STANDARD")
	if t := i.Meta[metaTags]; t != "" {
		_ = json.Unmarshal([]byte(t), &g.Tags) // written by setMeta, always JSON
	}
	return g
}

// metaOf is the stream metadata that records g's settings.
func metaOf(g Group) map[string]string {
	meta := map[string]string{metaGroup: g.Name}
	if g.RetentionDays > 0 {
		meta[metaRetention] = strconv.Itoa(g.RetentionDays)
	}
	if g.KmsKeyID != "" {
		meta[metaKmsKey] = g.KmsKeyID
	}
	if g.Class != "" && g.Class != "STANDARD" {
		meta[metaClass] = g.Class
	}
	if len(g.Tags) > 0 {
		b, _ := json.Marshal(g.Tags)
		meta[metaTags] = string(b)
	}
	return meta
}

// CreateGroup creates an empty log group with settings, or fails with
// ErrGroupExists.
func (s *Store) CreateGroup(ctx context.Context, group string, settings GroupSettings) error {
	if _, _, err := s.lookup(ctx, group); err == nil {
		return fmt.Errorf("%s: %w", group, ErrGroupExists)
	} else if !errors.Is(err, ErrGroupNotFound) {
		return err
	}
	meta := metaOf(Group{Name: group, GroupSettings: settings})
	if _, err := s.st.Stream(ctx, streamName(group), store.StreamOptions{Meta: meta}); err != nil {
		return fmt.Errorf("creating log group %s: %w", group, err)
	}
	return nil
}

// ChangeGroup applies change to a group's settings (tags, retention).
func (s *Store) ChangeGroup(ctx context.Context, group string, change func(*Group)) error {
	st, g, err := s.lookup(ctx, group)
	if err != nil {
		return err
	}
	change(&g)
	if err := st.Update(ctx, store.StreamOptions{MaxAge: time.Duration(g.RetentionDays) * day, Meta: metaOf(g)}); err != nil {
		return fmt.Errorf("changing log group %s: %w", group, err)
	}
	return nil
}

// CreateStream creates an empty log stream in group, or fails with
// ErrStreamExists. The stream is a message without events, which every
// reader skips.
func (s *Store) CreateStream(ctx context.Context, group, stream string) error {
	st, _, err := s.lookup(ctx, group)
	if err != nil {
		return err
	}
	if _, err := st.First(ctx, key(stream)); err == nil {
		return fmt.Errorf("%s: %w", stream, ErrStreamExists)
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("looking up log stream %s: %w", stream, err)
	}
	if err := st.Append(ctx, []store.Message{{Key: key(stream), Data: []byte{formatV1}}}); err != nil {
		return fmt.Errorf("creating log stream %s: %w", stream, err)
	}
	return nil
}

// HasStream reports whether group has the log stream.
func (s *Store) HasStream(ctx context.Context, group, stream string) error {
	st, _, err := s.lookup(ctx, group)
	if err != nil {
		return err
	}
	_, err = st.First(ctx, key(stream))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s: %w", stream, ErrStreamNotFound)
	}
	return err
}

// Groups lists every log group, sorted by name.
func (s *Store) Groups(ctx context.Context) ([]Group, error) {
	infos, err := s.st.Streams(ctx, groupStreamPrefix)
	if err != nil {
		return nil, fmt.Errorf("listing log groups: %w", err)
	}
	groups := make([]Group, 0, len(infos))
	for _, i := range infos {
		if i.Meta[metaGroup] != "" {
			groups = append(groups, groupOf(i))
		}
	}
	slices.SortFunc(groups, func(a, b Group) int { return strings.Compare(a.Name, b.Name) })
	return groups, nil
}

// DeleteGroup deletes a log group and all its events.
func (s *Store) DeleteGroup(ctx context.Context, group string) error {
	s.forget(group)
	err := s.st.DeleteStream(ctx, streamName(group))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s: %w", group, ErrGroupNotFound)
	}
	if err != nil {
		return fmt.Errorf("deleting log group %s: %w", group, err)
	}
	return nil
}

// SetRetention keeps the group's events for days days (0: forever).
// Older events are hidden from queries at once and deleted by JetStream.
func (s *Store) SetRetention(ctx context.Context, group string, days int) error {
	return s.ChangeGroup(ctx, group, func(g *Group) { g.RetentionDays = days })
}

// cutoff is the oldest event time the group's retention lets through.
func (s *Store) cutoff(g Group) time.Time {
	if g.RetentionDays <= 0 {
		return time.Time{}
	}
	return time.Now().Add(-time.Duration(g.RetentionDays) * day)
}

// Streams lists the group's log streams whose names start with prefix,
// sorted by name. Streams whose events have all expired are left out.
func (s *Store) Streams(ctx context.Context, group, prefix string) ([]LogStream, error) {
	st, g, err := s.lookup(ctx, group)
	if err != nil {
		return nil, err
	}
	keys, err := st.Keys(ctx)
	if err != nil {
		return nil, fmt.Errorf("listing log streams of %s: %w", group, err)
	}
	cutoff := s.cutoff(g)
	streams := make([]LogStream, 0, len(keys))
	for k := range keys {
		name, ok := streamOfKey(k)
		if !ok || !strings.HasPrefix(name, prefix) {
			continue
		}
		first, err := st.First(ctx, k)
		if errors.Is(err, store.ErrNotFound) {
			continue // expired meanwhile
		}
		if err != nil {
			return nil, err
		}
		last, err := st.Last(ctx, k)
		if err != nil {
			return nil, err
		}
		firstEvents, ok1 := unpack(first)
		lastEvents, ok2 := unpack(last)
		if !ok1 || !ok2 {
			continue
		}
		ls := LogStream{Name: name, Created: first.Time}
		if len(lastEvents) > 0 {
			lastEvent := lastEvents[len(lastEvents)-1]
			if lastEvent.Time.Before(cutoff) {
				continue
			}
			ls.LastEvent, ls.LastIngestion = lastEvent.Time, last.Time
		}
		if len(firstEvents) > 0 {
			ls.FirstEvent = firstEvents[0].Time
		} else if len(lastEvents) > 0 { // created empty, then written: the first event is in a later message
			ls.FirstEvent = s.firstEventTime(ctx, st, k, ls.LastEvent)
		}
		streams = append(streams, ls)
	}
	slices.SortFunc(streams, func(a, b LogStream) int { return strings.Compare(a.Name, b.Name) })
	return streams, nil
}

// Query selects events of one group.
type Query struct {
	Group string
	// Streams restricts the query to these log streams; a name that does
	// not exist is ErrStreamNotFound. StreamPrefix restricts it to streams
	// whose names start with it. Neither: every stream.
	Streams      []string
	StreamPrefix string
	// Start (inclusive) and End (exclusive) bound event times; zero values
	// do not.
	Start, End time.Time
	// Match selects events by message; nil selects all.
	Match func(message string) bool
	// From is the first event ID to look at (0: the oldest).
	From uint64
	// Limit and MaxBytes bound the events returned (defaults 10,000 and
	// 1 MB, CloudWatch's).
	Limit    int
	MaxBytes int
}

// Limits from CloudWatch Logs.
const (
	DefaultLimit    = 10000
	DefaultMaxBytes = 1 << 20
)

// scanBudget bounds how many events one Scan looks at, so a filter that
// matches little cannot make one call read a whole group; the caller gets
// a Page with Next set and fewer (or no) events, as from CloudWatch.
const scanBudget = 100000

// storeLag is how long after an event was printed it may have been
// stored: the Writer's queue delays it a little, and the clocks of nodes
// may differ a little. Reads by time start and stop that much early and
// late, and then select by the events' own times.
const storeLag = time.Minute

func (q Query) limits() (int, int) {
	limit, maxBytes := q.Limit, q.MaxBytes
	if limit <= 0 {
		limit = DefaultLimit
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return limit, maxBytes
}

func (q Query) selects(ev Event, start time.Time) bool {
	return !ev.Time.Before(start) && (q.End.IsZero() || ev.Time.Before(q.End)) && (q.Match == nil || q.Match(ev.Message))
}

// Page is one Scan's result.
type Page struct {
	Events []Event
	// Next is the ID to continue from, or 0 when the query has seen every
	// event stored when it ran.
	Next uint64
}

// prepare resolves a query's group, stream keys (nil: all) and start.
func (s *Store) prepare(ctx context.Context, q Query) (*store.Stream, []string, time.Time, error) {
	st, g, err := s.lookup(ctx, q.Group)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	start := q.Start
	if c := s.cutoff(g); c.After(start) {
		start = c
	}
	if len(q.Streams) == 0 && q.StreamPrefix == "" {
		return st, nil, start, nil
	}
	stored, err := st.Keys(ctx)
	if err != nil {
		return nil, nil, time.Time{}, fmt.Errorf("listing log streams of %s: %w", q.Group, err)
	}
	keys := []string{}
	for _, name := range q.Streams {
		k := key(name)
		if _, ok := stored[k]; !ok {
			return nil, nil, time.Time{}, fmt.Errorf("%s in %s: %w", name, q.Group, ErrStreamNotFound)
		}
		keys = append(keys, k)
	}
	if q.StreamPrefix != "" {
		for k := range stored {
			if name, ok := streamOfKey(k); ok && strings.HasPrefix(name, q.StreamPrefix) {
				keys = append(keys, k)
			}
		}
	}
	return st, keys, start, nil
}

// Scan returns the query's events in ID order (the order they were
// stored, which is time order for each environment), from q.From on.
func (s *Store) Scan(ctx context.Context, q Query) (Page, error) {
	st, keys, start, err := s.prepare(ctx, q)
	if err != nil {
		return Page{}, err
	}
	var page Page
	if keys != nil && len(keys) == 0 {
		return page, nil
	}
	ro := store.ReadOptions{Keys: keys, FromSeq: q.From >> idBits}
	if q.From == 0 && !start.IsZero() {
		ro.FromTime = start.Add(-storeLag)
	}
	limit, maxBytes := q.limits()
	size, examined := 0, 0
	err = st.Read(ctx, ro, func(m store.Message) bool {
		if !q.End.IsZero() && m.Time.After(q.End.Add(storeLag)) {
			return false // nothing later can have been printed before End
		}
		events, _ := unpack(m)
		for _, ev := range events {
			if ev.ID < q.From || !q.selects(ev, start) {
				continue
			}
			if len(page.Events) == limit || size+ev.Size() > maxBytes {
				page.Next = ev.ID
				return false
			}
			page.Events = append(page.Events, ev)
			size += ev.Size()
		}
		if examined += len(events); examined >= scanBudget {
			page.Next = eventID(m.Seq+1, 0)
			return false
		}
		return true
	})
	if err != nil {
		return Page{}, fmt.Errorf("reading log group %s: %w", q.Group, err)
	}
	return page, nil
}

// Tail returns the last events of the query (at most its Limit and
// MaxBytes) whose IDs are below before (0: no bound), in ID order. It
// reads the selected events from the start, so it suits one log stream,
// which is what GetLogEvents reads backwards.
func (s *Store) Tail(ctx context.Context, q Query, before uint64) ([]Event, error) {
	st, keys, start, err := s.prepare(ctx, q)
	if err != nil {
		return nil, err
	}
	if keys != nil && len(keys) == 0 {
		return nil, nil
	}
	limit, maxBytes := q.limits()
	var events []Event
	size := 0
	ro := store.ReadOptions{Keys: keys}
	if !start.IsZero() {
		ro.FromTime = start.Add(-storeLag)
	}
	err = st.Read(ctx, ro, func(m store.Message) bool {
		unpacked, _ := unpack(m)
		for _, ev := range unpacked {
			if before != 0 && ev.ID >= before {
				return false
			}
			if !q.selects(ev, start) {
				continue
			}
			events = append(events, ev)
			size += ev.Size()
			for len(events) > limit || size > maxBytes {
				size -= events[0].Size()
				events = events[1:]
			}
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("reading log group %s: %w", q.Group, err)
	}
	return events, nil
}

// firstEventTime finds the time of the first event of a log stream whose
// first message carries none (it was created empty); fallback when the
// read fails.
func (s *Store) firstEventTime(ctx context.Context, st *store.Stream, k string, fallback time.Time) time.Time {
	found := fallback
	_ = st.Read(ctx, store.ReadOptions{Keys: []string{k}}, func(m store.Message) bool {
		events, ok := unpack(m)
		if ok && len(events) > 0 {
			found = events[0].Time
			return false
		}
		return true
	})
	return found
}
