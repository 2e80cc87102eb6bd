package furl

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"gust/internal/store"
)

// Auth types of a function URL.
const (
	AuthNone   = "NONE"
	AuthAWSIAM = "AWS_IAM"
)

// Cors is a URL's CORS configuration, shaped as in the Lambda API.
type Cors struct {
	AllowCredentials bool     `json:"AllowCredentials,omitempty"`
	AllowHeaders     []string `json:"AllowHeaders,omitempty"`
	AllowMethods     []string `json:"AllowMethods,omitempty"`
	AllowOrigins     []string `json:"AllowOrigins,omitempty"`
	ExposeHeaders    []string `json:"ExposeHeaders,omitempty"`
	MaxAge           int      `json:"MaxAge,omitempty"`
}

// Config is one function URL.
type Config struct {
	URLID        string
	FunctionName string
	Qualifier    string // "" for the unqualified function
	AuthType     string
	Cors         *Cors `json:",omitempty"`
	InvokeMode   string
	Created      time.Time
	Modified     time.Time
	revision     uint64
}

// Table is the KV table URL configurations live in; store.Table and
// store.CachedTable implement it.
type Table interface {
	Get(ctx context.Context, key string) (store.Record, error)
	Create(ctx context.Context, key string, value []byte) (uint64, error)
	Update(ctx context.Context, key string, value []byte, revision uint64) (uint64, error)
	Delete(ctx context.Context, key string, revision uint64) error
}

// Errors of Store operations; callers map them to API errors.
var (
	ErrExists   = errors.New("function URL exists")
	ErrNotFound = errors.New("function URL not found")
)

// Store keeps URL configurations.
type Store struct {
	Table Table
	// Salt makes URL ids differ between deployments (e.g. the account id).
	Salt string
	// Base is the public base URL the host form hangs off, e.g.
	// http://localhost:9000 or https://lambda.example.com.
	Base *url.URL
	// PathBase, when set, makes FunctionUrl the path form on it
	// (PathBase + PathPrefix + id + "/"): the base is then an address every
	// resolver knows (the API listener's), which the host form under
	// "localhost" is not. The host form is served all the same.
	PathBase *url.URL
	Region   string
}

// URL is the public FunctionUrl of the URL with id.
func (s *Store) URL(id string) string {
	if s.PathBase != nil {
		return s.PathBase.Scheme + "://" + s.PathBase.Host + PathPrefix + id + "/"
	}
	port := ""
	if p := s.Base.Port(); p != "" {
		port = ":" + p
	}
	return s.Base.Scheme + "://" + s.Domain(id) + port + "/"
}

// Domain is the host name of the URL with id.
func (s *Store) Domain(id string) string {
	return id + ".lambda-url." + s.Region + "." + s.Base.Hostname()
}

// URLID is the 32-character id of the URL of function name and qualifier.
// It is derived, not random, so a lookup by function needs no index.
func (s *Store) URLID(name, qualifier string) string {
	sum := sha256.Sum256([]byte(s.Salt + "\x00" + name + "\x00" + qualifier))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:]))[:32]
}

func key(id string) string { return "id." + id }

// Get returns the URL with id.
func (s *Store) Get(ctx context.Context, id string) (Config, error) {
	rec, err := s.Table.Get(ctx, key(id))
	if errors.Is(err, store.ErrNotFound) {
		return Config{}, ErrNotFound
	}
	if err != nil {
		return Config{}, fmt.Errorf("reading function URL: %w", err)
	}
	var c Config
	if err := json.Unmarshal(rec.Value, &c); err != nil {
		return Config{}, fmt.Errorf("decoding function URL: %w", err)
	}
	c.revision = rec.Revision
	return c, nil
}

// Create stores a new URL; c.URLID, Created and Modified are filled in.
func (s *Store) Create(ctx context.Context, c Config) (Config, error) {
	c.URLID = s.URLID(c.FunctionName, c.Qualifier)
	c.Created = time.Now().UTC()
	c.Modified = c.Created
	b, err := json.Marshal(c)
	if err != nil {
		return Config{}, fmt.Errorf("encoding function URL: %w", err)
	}
	if _, err := s.Table.Create(ctx, key(c.URLID), b); err != nil {
		if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrExists) {
			return Config{}, ErrExists
		}
		return Config{}, fmt.Errorf("creating function URL: %w", err)
	}
	return c, nil
}

// Update changes the URL of name and qualifier with change.
func (s *Store) Update(ctx context.Context, name, qualifier string, change func(*Config)) (Config, error) {
	c, err := s.Get(ctx, s.URLID(name, qualifier))
	if err != nil {
		return Config{}, err
	}
	change(&c)
	c.Modified = time.Now().UTC()
	b, err := json.Marshal(c)
	if err != nil {
		return Config{}, fmt.Errorf("encoding function URL: %w", err)
	}
	if _, err := s.Table.Update(ctx, key(c.URLID), b, c.revision); err != nil {
		return Config{}, fmt.Errorf("updating function URL: %w", err)
	}
	return c, nil
}

// Delete removes the URL of name and qualifier.
func (s *Store) Delete(ctx context.Context, name, qualifier string) error {
	c, err := s.Get(ctx, s.URLID(name, qualifier))
	if err != nil {
		return err
	}
	if err := s.Table.Delete(ctx, key(c.URLID), c.revision); err != nil {
		return fmt.Errorf("deleting function URL: %w", err)
	}
	return nil
}
