package buses

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"gust/internal/apierror"
	"gust/internal/eventpattern"
	"gust/internal/invoke"
	"gust/internal/queues"
	"gust/internal/rules"
	"gust/internal/store"
	"gust/internal/topics"
)

// Table is the KV table buses live in; store.Table and store.CachedTable
// implement it.
type Table interface {
	Get(ctx context.Context, key string) (store.Record, error)
	Create(ctx context.Context, key string, value []byte) (uint64, error)
	Update(ctx context.Context, key string, value []byte, revision uint64) (uint64, error)
	Delete(ctx context.Context, key string, revision uint64) error
	Keys(ctx context.Context, prefix string) ([]string, error)
}

// Invoker starts functions; invoke.Service implements it.
type Invoker interface {
	Invoke(ctx context.Context, req invoke.Request) (invoke.Response, error)
}

// Queues sends to SQS queues by ARN; queues.Service implements it.
type Queues interface {
	SendToARN(ctx context.Context, queueARN string, m queues.Message) (string, error)
}

// Topics publishes to SNS topics; topics.Service implements it.
type Topics interface {
	Publish(ctx context.Context, topicARN string, p topics.Publication) (topics.Published, error)
}

// Observer counts what happens to events, per bus: "published",
// "delivered", "failed" and "retried".
type Observer interface {
	Count(bus, event string)
}

// Options wire a Service.
type Options struct {
	Buses Table
	Rules *rules.Store
	// Queue holds accepted events and target deliveries durably.
	Queue   *store.Queue
	Invoker Invoker
	// Queues and Topics deliver to SQS and SNS targets; nil while not
	// wired (such deliveries fail and are retried).
	Queues    Queues
	Topics    Topics
	Region    string
	AccountID string
	Observer  Observer
	// Workers is how many deliveries run at once (default 32).
	Workers int
	// RetryScale multiplies retry delays (default 1; tests shrink it).
	RetryScale float64
	// RulesTTL is how long a bus's compiled rules are trusted before they
	// are read again (default 1 s); changes made on this node are seen at
	// once through RulesChanged.
	RulesTTL time.Duration
	Logger   *slog.Logger
	Now      func() time.Time
}

// Service is EventBridge's buses.
type Service struct {
	o   Options
	log *slog.Logger

	mu      sync.Mutex
	matcher map[string]*busRules // by bus name
}

// busRules are a bus's enabled event-pattern rules, compiled.
type busRules struct {
	built time.Time
	set   *eventpattern.Set[string]
	rules map[string]rules.Rule
}

// New returns a Service; Run delivers.
func New(o Options) *Service {
	if o.Workers <= 0 {
		o.Workers = 32
	}
	if o.RetryScale <= 0 {
		o.RetryScale = 1
	}
	if o.RulesTTL <= 0 {
		o.RulesTTL = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	return &Service{o: o, log: o.Logger, matcher: map[string]*busRules{}}
}

type nopObserver struct{}

func (nopObserver) Count(string, string) {}

// Bus is a custom event bus.
type Bus struct {
	Name        string
	Description string      `json:",omitempty"`
	Tags        []rules.Tag `json:",omitempty"`
	Created     time.Time
	Modified    time.Time
}

// BusARN is the ARN of the bus called name.
func (s *Service) BusARN(name string) string {
	return "arn:aws:events:" + s.o.Region + ":" + s.o.AccountID + ":event-bus/" + name
}

// RuleARN is the ARN of a rule on a bus.
func (s *Service) RuleARN(bus, name string) string {
	if bus == "" || bus == rules.DefaultBus {
		return "arn:aws:events:" + s.o.Region + ":" + s.o.AccountID + ":rule/" + name
	}
	return "arn:aws:events:" + s.o.Region + ":" + s.o.AccountID + ":rule/" + bus + "/" + name
}

var busNamePattern = regexp.MustCompile(`^[/\.\-_A-Za-z0-9]{1,256}$`)

// BusName resolves an EventBusName parameter (a name or an ARN; empty is
// the default bus) and checks that the bus exists.
func (s *Service) BusName(ctx context.Context, nameOrARN string) (string, error) {
	name := nameOrARN
	if name == "" {
		return rules.DefaultBus, nil
	}
	if strings.HasPrefix(name, "arn:") {
		prefix := "arn:aws:events:" + s.o.Region + ":" + s.o.AccountID + ":event-bus/"
		if !strings.HasPrefix(name, prefix) {
			return "", apierror.NotFound("Event bus %s does not exist.", nameOrARN)
		}
		name = strings.TrimPrefix(name, prefix)
	}
	if name == rules.DefaultBus {
		return name, nil
	}
	if _, _, err := s.get(ctx, name); err != nil {
		return "", err
	}
	return name, nil
}

const busPrefix = "bus."

func (s *Service) get(ctx context.Context, name string) (Bus, uint64, error) {
	if !busNamePattern.MatchString(name) || !rules.ValidBusName(name) || !store.ValidKey(busPrefix+name) {
		return Bus{}, 0, apierror.NotFound("Event bus %s does not exist.", name)
	}
	rec, err := s.o.Buses.Get(ctx, busPrefix+name)
	if errors.Is(err, store.ErrNotFound) {
		return Bus{}, 0, apierror.NotFound("Event bus %s does not exist.", name)
	}
	if err != nil {
		return Bus{}, 0, fmt.Errorf("reading event bus %s: %w", name, err)
	}
	var b Bus
	if err := json.Unmarshal(rec.Value, &b); err != nil {
		return Bus{}, 0, fmt.Errorf("decoding event bus %s: %w", name, err)
	}
	return b, rec.Revision, nil
}

// CreateBus creates a custom bus.
func (s *Service) CreateBus(ctx context.Context, name, description string, tags []rules.Tag) (string, error) {
	if !busNamePattern.MatchString(name) || strings.Contains(name, "/") {
		return "", apierror.Validation("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+", name)
	}
	if name == rules.DefaultBus || strings.HasPrefix(name, "aws.") || !rules.ValidBusName(name) || !store.ValidKey(busPrefix+name) {
		return "", apierror.Validation("Event bus name must not be default, start with aws., or contain ..")
	}
	if err := CheckTags(tags); err != nil {
		return "", err
	}
	now := s.o.Now().UTC()
	b, err := json.Marshal(Bus{Name: name, Description: description, Tags: tags, Created: now, Modified: now})
	if err != nil {
		return "", err
	}
	if _, err := s.o.Buses.Create(ctx, busPrefix+name, b); errors.Is(err, store.ErrExists) {
		return "", apierror.New("ResourceAlreadyExistsException", "Event bus %s already exists.", name)
	} else if err != nil {
		return "", fmt.Errorf("creating event bus %s: %w", name, err)
	}
	return s.BusARN(name), nil
}

// DeleteBus deletes a custom bus and its rules; a missing bus is no error.
func (s *Service) DeleteBus(ctx context.Context, name string) error {
	if name == rules.DefaultBus {
		return apierror.Validation("Cannot delete event bus default.")
	}
	_, rev, err := s.get(ctx, name)
	var ae *apierror.Error
	if errors.As(err, &ae) && ae.Type == "ResourceNotFoundException" {
		return nil
	}
	if err != nil {
		return err
	}
	rs, err := s.o.Rules.List(ctx, name, "")
	if err != nil {
		return err
	}
	for _, r := range rs {
		if err := s.o.Rules.Delete(ctx, name, r.Name); err != nil && !errors.Is(err, rules.ErrNotFound) {
			return err
		}
	}
	if err := s.o.Buses.Delete(ctx, busPrefix+name, rev); err != nil {
		return fmt.Errorf("deleting event bus %s: %w", name, err)
	}
	s.RulesChanged(name)
	return nil
}

// DescribeBus returns a bus (the default bus always exists).
func (s *Service) DescribeBus(ctx context.Context, name string) (Bus, error) {
	if name == "" || name == rules.DefaultBus {
		return Bus{Name: rules.DefaultBus}, nil
	}
	b, _, err := s.get(ctx, name)
	return b, err
}

// Buses lists the default bus and every custom bus whose name starts with
// prefix, sorted by name.
func (s *Service) Buses(ctx context.Context, prefix string) ([]Bus, error) {
	keys, err := s.o.Buses.Keys(ctx, busPrefix)
	if err != nil {
		return nil, fmt.Errorf("listing event buses: %w", err)
	}
	var out []Bus
	if strings.HasPrefix(rules.DefaultBus, prefix) {
		out = append(out, Bus{Name: rules.DefaultBus})
	}
	for _, k := range keys {
		name := strings.TrimPrefix(k, busPrefix)
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		b, _, err := s.get(ctx, name)
		if err != nil {
			continue // deleted meanwhile
		}
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// MutateBusTags changes a custom bus's tags.
func (s *Service) MutateBusTags(ctx context.Context, name string, change func([]rules.Tag) ([]rules.Tag, error)) error {
	for attempt := 0; attempt < 20; attempt++ {
		b, rev, err := s.get(ctx, name)
		if err != nil {
			return err
		}
		if b.Tags, err = change(b.Tags); err != nil {
			return err
		}
		b.Modified = s.o.Now().UTC()
		raw, err := json.Marshal(b)
		if err != nil {
			return err
		}
		_, err = s.o.Buses.Update(ctx, busPrefix+name, raw, rev)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return fmt.Errorf("tagging event bus %s: %w", name, err)
		}
		return nil
	}
	return fmt.Errorf("tagging event bus %s: too many concurrent changes", name)
}

// CheckTags refuses what EventBridge refuses in a tag list.
func CheckTags(tags []rules.Tag) error {
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return apierror.Validation("1 validation error detected: Value '%s' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128", t.Key)
		}
	}
	if len(tags) > 50 {
		return apierror.New("LimitExceededException", "The requested resource exceeds the maximum number allowed.").WithStatus(http.StatusBadRequest)
	}
	return nil
}

// MergeTags adds or replaces tags.
func MergeTags(have, add []rules.Tag) []rules.Tag {
	out := append([]rules.Tag(nil), have...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if out[i].Key == t.Key {
				out[i].Value, replaced = t.Value, true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}

// RemoveTags drops tags by key.
func RemoveTags(have []rules.Tag, keys []string) []rules.Tag {
	drop := map[string]bool{}
	for _, k := range keys {
		drop[k] = true
	}
	var out []rules.Tag
	for _, t := range have {
		if !drop[t.Key] {
			out = append(out, t)
		}
	}
	return out
}

// RulesChanged forgets a bus's compiled rules (call after changing one).
func (s *Service) RulesChanged(bus string) {
	if bus == "" {
		bus = rules.DefaultBus
	}
	s.mu.Lock()
	delete(s.matcher, bus)
	s.mu.Unlock()
}

// rulesOf returns a bus's compiled enabled event-pattern rules.
func (s *Service) rulesOf(ctx context.Context, bus string) (*busRules, error) {
	s.mu.Lock()
	br, ok := s.matcher[bus]
	s.mu.Unlock()
	if ok && s.o.Now().Sub(br.built) < s.o.RulesTTL {
		return br, nil
	}
	list, err := s.o.Rules.List(ctx, bus, "")
	if err != nil {
		return nil, err
	}
	patterns := map[string]*eventpattern.Pattern{}
	byName := map[string]rules.Rule{}
	for _, r := range list {
		if r.State != rules.Enabled || r.EventPattern == "" {
			continue
		}
		p, err := eventpattern.Compile([]byte(r.EventPattern))
		if err != nil {
			continue // stored before patterns were checked
		}
		patterns[r.Name], byName[r.Name] = p, r
	}
	br = &busRules{built: s.o.Now(), set: eventpattern.NewSet(patterns), rules: byName}
	s.mu.Lock()
	s.matcher[bus] = br
	s.mu.Unlock()
	return br, nil
}
