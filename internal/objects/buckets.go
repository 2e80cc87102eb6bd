package objects

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"sort"
	"strings"
	"time"

	"gust/internal/store"
)

// Bucket is one bucket's record and configuration.
type Bucket struct {
	Name         string        `json:"name"`
	Created      time.Time     `json:"created"`
	Region       string        `json:"region"`
	Tags         []Tag         `json:"tags,omitempty"`
	CORS         []CORSRule    `json:"cors,omitempty"`
	Notification *Notification `json:"notification,omitempty"`
}

// Tag is a key/value pair on a bucket or object.
type Tag struct {
	Key   string `json:"k" xml:"Key"`
	Value string `json:"v" xml:"Value"`
}

// CORSRule is one rule of a bucket's CORS configuration.
type CORSRule struct {
	ID             string   `json:"id,omitempty" xml:"ID,omitempty"`
	AllowedHeaders []string `json:"allowedHeaders,omitempty" xml:"AllowedHeader"`
	AllowedMethods []string `json:"allowedMethods" xml:"AllowedMethod"`
	AllowedOrigins []string `json:"allowedOrigins" xml:"AllowedOrigin"`
	ExposeHeaders  []string `json:"exposeHeaders,omitempty" xml:"ExposeHeader"`
	MaxAgeSeconds  *int     `json:"maxAgeSeconds,omitempty" xml:"MaxAgeSeconds,omitempty"`
}

// ValidBucketName applies S3's naming rules for general purpose buckets.
func ValidBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	if !alnum(name[0]) || !alnum(name[len(name)-1]) || strings.Contains(name, "..") {
		return false
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return false
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3"} {
		if strings.HasSuffix(name, s) {
			return false
		}
	}
	return true
}

func invalidBucketName() error {
	return s3Error(http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid.")
}

// CreateBucket creates a bucket in region (the LocationConstraint, empty
// for us-east-1).
func (s *Service) CreateBucket(ctx context.Context, name, region string) error {
	if !ValidBucketName(name) {
		return invalidBucketName()
	}
	if region == "" {
		region = "us-east-1"
	}
	if region != s.o.Region {
		return s3Error(http.StatusBadRequest, "IllegalLocationConstraintException",
			"The %s location constraint is incompatible for the region specific endpoint this request was sent to.", region)
	}
	_, err := putJSON(ctx, s.o.Buckets, name, Bucket{Name: name, Created: s.o.Now().UTC(), Region: region}, 0)
	if errors.Is(err, store.ErrExists) {
		if s.o.Region == "us-east-1" {
			return nil // us-east-1 answers 200 to its owner, for compatibility
		}
		return s3Error(http.StatusConflict, "BucketAlreadyOwnedByYou",
			"Your previous request to create the named bucket succeeded and you already own it.")
	}
	return err
}

// Bucket returns a bucket's record.
func (s *Service) Bucket(ctx context.Context, name string) (Bucket, error) {
	b, _, err := s.bucket(ctx, name)
	return b, err
}

func (s *Service) bucket(ctx context.Context, name string) (Bucket, uint64, error) {
	var b Bucket
	if !store.ValidKey(name) {
		return b, 0, noSuchBucket()
	}
	rev, err := getJSON(ctx, s.o.Buckets, name, &b)
	if errors.Is(err, store.ErrNotFound) {
		return b, 0, noSuchBucket()
	}
	return b, rev, err
}

// DeleteBucket deletes an empty bucket.
func (s *Service) DeleteBucket(ctx context.Context, name string) error {
	if _, _, err := s.bucket(ctx, name); err != nil {
		return err
	}
	keys, err := s.o.Objects.Keys(ctx, name+"/")
	if err != nil {
		return err
	}
	if len(keys) > 0 {
		return s3Error(http.StatusConflict, "BucketNotEmpty", "The bucket you tried to delete is not empty")
	}
	if err := s.o.Buckets.Delete(ctx, name, 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// ListBuckets lists every bucket by name.
func (s *Service) ListBuckets(ctx context.Context) ([]Bucket, error) {
	names, err := s.o.Buckets.Keys(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make([]Bucket, 0, len(names))
	for _, n := range names {
		b, _, err := s.bucket(ctx, n)
		if err != nil {
			continue // deleted meanwhile
		}
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// updateBucket applies change to a bucket's record with compare-and-swap.
func (s *Service) updateBucket(ctx context.Context, name string, change func(*Bucket) error) error {
	for range 10 {
		b, rev, err := s.bucket(ctx, name)
		if err != nil {
			return err
		}
		if err := change(&b); err != nil {
			return err
		}
		if _, err = putJSON(ctx, s.o.Buckets, name, b, rev); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return store.ErrConflict
}

// PutBucketTagging replaces a bucket's tags; nil removes them.
func (s *Service) PutBucketTagging(ctx context.Context, name string, tags []Tag) error {
	if err := checkTags(tags, 50); err != nil {
		return err
	}
	return s.updateBucket(ctx, name, func(b *Bucket) error { b.Tags = tags; return nil })
}

// GetBucketTagging returns a bucket's tags, or NoSuchTagSet.
func (s *Service) GetBucketTagging(ctx context.Context, name string) ([]Tag, error) {
	b, _, err := s.bucket(ctx, name)
	if err != nil {
		return nil, err
	}
	if len(b.Tags) == 0 {
		return nil, s3Error(http.StatusNotFound, "NoSuchTagSet", "The TagSet does not exist")
	}
	return b.Tags, nil
}

// PutBucketCORS replaces a bucket's CORS rules; nil removes them.
func (s *Service) PutBucketCORS(ctx context.Context, name string, rules []CORSRule) error {
	if len(rules) > 100 {
		return s3Error(http.StatusBadRequest, "InvalidRequest", "The number of CORS rules should not exceed allowed limit of 100 rules.")
	}
	for _, r := range rules {
		if len(r.AllowedMethods) == 0 || len(r.AllowedOrigins) == 0 {
			return malformedXML()
		}
		for _, m := range r.AllowedMethods {
			switch m {
			case "GET", "PUT", "POST", "DELETE", "HEAD":
			default:
				return s3Error(http.StatusBadRequest, "InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is %s", m)
			}
		}
	}
	return s.updateBucket(ctx, name, func(b *Bucket) error { b.CORS = rules; return nil })
}

// GetBucketCORS returns a bucket's CORS rules, or NoSuchCORSConfiguration.
func (s *Service) GetBucketCORS(ctx context.Context, name string) ([]CORSRule, error) {
	b, _, err := s.bucket(ctx, name)
	if err != nil {
		return nil, err
	}
	if len(b.CORS) == 0 {
		return nil, s3Error(http.StatusNotFound, "NoSuchCORSConfiguration", "The CORS configuration does not exist")
	}
	return b.CORS, nil
}

func malformedXML() error {
	return s3Error(http.StatusBadRequest, "MalformedXML",
		"The XML you provided was not well-formed or did not validate against our published schema")
}

func checkTags(tags []Tag, max int) error {
	if len(tags) > max {
		return s3Error(http.StatusBadRequest, "BadRequest", "Object tags cannot be greater than %d", max)
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return s3Error(http.StatusBadRequest, "InvalidTag", "The TagKey you have provided is invalid")
		}
		if seen[t.Key] {
			return s3Error(http.StatusBadRequest, "InvalidTag", "Cannot provide multiple Tags with the same key")
		}
		seen[t.Key] = true
	}
	return nil
}
