package iam

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"time"

	"gust/internal/policy"
	"gust/internal/store"
)

// Tables are the IAM tables in the store.
type Tables struct {
	Roles, Users, Policies, Keys *store.CachedTable
}

// OpenTables opens (creating) the IAM tables.
func OpenTables(ctx context.Context, st *store.Store) (Tables, error) {
	var t Tables
	for name, dst := range map[string]**store.CachedTable{"iam_roles": &t.Roles, "iam_users": &t.Users, "iam_policies": &t.Policies, "iam_keys": &t.Keys} {
		tab, err := st.Table(ctx, name)
		if err != nil {
			return Tables{}, fmt.Errorf("opening table %s: %w", name, err)
		}
		if *dst, err = tab.Cached(ctx); err != nil {
			return Tables{}, fmt.Errorf("caching table %s: %w", name, err)
		}
	}
	return t, nil
}

// FunctionExists tells whether a function exists now; a function's
// credentials stop working when it is deleted.
type FunctionExists func(ctx context.Context, name string) (bool, error)

// Options wire a Service.
type Options struct {
	Tables    Tables
	AccountID string
	Region    string
	// RootAccessKeyID is the server's own key: the account root.
	RootAccessKeyID string
	// Secret seals session tokens: the server's secret access key.
	Secret string
	// AnyRole accepts any well-formed role ARN for a function, and gives a
	// function whose role does not exist the account's own permissions
	// (a single-user setup).
	AnyRole   bool
	Functions FunctionExists
	Now       func() time.Time
	Logger    *slog.Logger
}

// Service is the account's IAM and STS.
type Service struct {
	o        Options
	tables   Tables
	sessions sessionKeys

	mu      sync.Mutex
	gen     uint64                 // bumped on every IAM table change
	cache   map[string]*identity   // access key id -> the identity, policies compiled
	fnCreds map[string]Credentials // function\x00role -> current credentials
	keys    map[string]AccessKey   // access key id -> active key, for Lookup
}

// New returns the Service; it watches the tables until ctx ends so cached
// policies follow every change, on this node or another.
func New(ctx context.Context, o Options) (*Service, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{o: o, tables: o.Tables, sessions: newSessionKeys(o.Secret), cache: map[string]*identity{}, fnCreds: map[string]Credentials{}, keys: map[string]AccessKey{}}
	for _, t := range []*store.CachedTable{o.Tables.Roles, o.Tables.Users, o.Tables.Policies, o.Tables.Keys} {
		if err := t.Watch(ctx, func(string, bool) { s.invalidate() }); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// invalidate drops every cached compiled policy set.
func (s *Service) invalidate() {
	s.mu.Lock()
	s.gen++
	clear(s.cache)
	clear(s.keys)
	s.mu.Unlock()
}

// AccountID is the account in ARNs.
func (s *Service) AccountID() string { return s.o.AccountID }

// Tag is a key/value tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// entity is what roles and users share: identity, inline and attached
// policies, tags.
type entity struct {
	Name       string            `json:"name"`
	Path       string            `json:"path"`
	ID         string            `json:"id"`
	ARN        string            `json:"arn"`
	CreateDate time.Time         `json:"createDate"`
	Tags       []Tag             `json:"tags,omitempty"`
	Inline     map[string]string `json:"inline,omitempty"`   // policy name -> document
	Attached   []string          `json:"attached,omitempty"` // managed policy ARNs
	// Roles only.
	AssumeRolePolicyDocument string `json:"assumeRolePolicyDocument,omitempty"`
	Description              string `json:"description,omitempty"`
	MaxSessionDuration       int    `json:"maxSessionDuration,omitempty"`
	revision                 uint64
}

// key is the store key of a name: IAM names are unique regardless of case.
func key(name string) string { return hex.EncodeToString([]byte(strings.ToLower(name))) }

var (
	namePattern       = regexp.MustCompile(`^[\w+=,.@-]+$`)
	pathPattern       = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
	pathPrefixPattern = regexp.MustCompile(`^/[\x21-\x7E]*$`)
)

func checkName(member, name string, max int) error {
	switch {
	case name == "":
		return validation(nil, member, "Member must not be null")
	case len(name) > max:
		return validation(name, member, fmt.Sprintf("Member must have length less than or equal to %d", max))
	case !namePattern.MatchString(name):
		return validation(name, member, `Member must satisfy regular expression pattern: [\w+=,.@-]+`)
	}
	return nil
}

func checkPath(path string) error {
	switch {
	case len(path) > 512:
		return validation(path, "path", "Member must have length less than or equal to 512")
	case !pathPattern.MatchString(path):
		return validation(path, "path", `Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`)
	}
	return nil
}

func checkTags(tags []Tag) error {
	if len(tags) > 50 {
		return validation(fmt.Sprint(tags), "tags", "Member must have length less than or equal to 50")
	}
	seen := map[string]bool{}
	for _, t := range tags {
		switch {
		case t.Key == "" || len(t.Key) > 128:
			return validation(t.Key, "tags.member.key", "Member must have length between 1 and 128")
		case len(t.Value) > 256:
			return validation(t.Value, "tags.member.value", "Member must have length less than or equal to 256")
		case seen[strings.ToLower(t.Key)]:
			return invalidInput("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(t.Key)] = true
	}
	return nil
}

// parseDocument validates a policy document of at most max characters.
func parseDocument(doc string, kind policy.Kind, max int, member string) (*policy.Policy, error) {
	if doc == "" {
		return nil, validation(nil, member, "Member must not be null")
	}
	if len(doc) > 131072 {
		return nil, validation(doc, member, "Member must have length less than or equal to 131072")
	}
	if max > 0 && countChars(doc) > max {
		return nil, limitExceeded("Cannot exceed quota for PolicySize: %d", max)
	}
	p, err := policy.Parse(doc, kind)
	var m *policy.Malformed
	if errors.As(err, &m) {
		return nil, malformedPolicy(m.Message)
	}
	return p, err
}

// countChars counts characters as IAM's size quotas do: whitespace outside
// strings does not count.
func countChars(doc string) int {
	n, inString, escaped := 0, false, false
	for _, r := range doc {
		switch {
		case inString:
			n++
			switch {
			case escaped:
				escaped = false
			case r == '\\':
				escaped = true
			case r == '"':
				inString = false
			}
		case r == '"':
			inString = true
			n++
		case r == ' ' || r == '\n' || r == '\t' || r == '\r':
		default:
			n++
		}
	}
	return n
}

// newID is an IAM unique id: a four-letter prefix and 17 characters.
func newID(prefix string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := make([]byte, 17)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b)
}

func (s *Service) now() time.Time { return s.o.Now().UTC().Truncate(time.Second) }

// getEntity reads a role or user record.
func getEntity(ctx context.Context, t *store.CachedTable, name string) (entity, bool, error) {
	rec, err := t.Get(ctx, key(name))
	if errors.Is(err, store.ErrNotFound) {
		return entity{}, false, nil
	}
	if err != nil {
		return entity{}, false, err
	}
	var e entity
	if err := json.Unmarshal(rec.Value, &e); err != nil {
		return entity{}, false, fmt.Errorf("decoding %s: %w", name, err)
	}
	e.revision = rec.Revision
	return e, true, nil
}

// putEntity stores e with compare-and-swap (create when revision is 0).
func putEntity(ctx context.Context, t *store.CachedTable, e entity) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if e.revision == 0 {
		_, err = t.Create(ctx, key(e.Name), b)
	} else {
		_, err = t.Update(ctx, key(e.Name), b, e.revision)
	}
	return err
}

// listEntities reads every record of t, sorted by key.
func listEntities[T any](ctx context.Context, t *store.CachedTable) ([]T, error) {
	keys, err := t.Keys(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(keys))
	for _, k := range keys {
		rec, err := t.Get(ctx, k)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal(rec.Value, &v); err != nil {
			return nil, fmt.Errorf("decoding %s: %w", k, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// retry runs fn again when it lost a compare-and-swap race.
func retry(fn func() error) error {
	for i := 0; ; i++ {
		err := fn()
		if !errors.Is(err, store.ErrConflict) || i == 5 {
			return err
		}
	}
}

// Page cuts a sorted list for Marker/MaxItems pagination: the marker is
// the index to continue from.
func Page[T any](items []T, marker string, maxItems int) ([]T, string, error) {
	start := 0
	if marker != "" {
		n, err := fmt.Sscanf(marker, "%d", &start)
		if n != 1 || err != nil || start < 0 || start > len(items) {
			return nil, "", invalidInput("Invalid Marker.")
		}
	}
	if maxItems <= 0 {
		maxItems = 100
	}
	end := min(start+maxItems, len(items))
	next := ""
	if end < len(items) {
		next = fmt.Sprint(end)
	}
	return items[start:end], next, nil
}
