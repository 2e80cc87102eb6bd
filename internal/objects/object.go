package objects

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"gust/internal/store"
)

// Object is one object's record: what S3 returns about it and the blobs
// holding its bytes, in order.
type Object struct {
	Bucket       string    `json:"bucket"`
	Key          string    `json:"key"`
	Size         int64     `json:"size"`
	ETag         string    `json:"etag"` // quoted, as S3 sends it
	LastModified time.Time `json:"modified"`
	// Headers are the stored standard headers (Content-Type,
	// Content-Encoding, Content-Disposition, Content-Language,
	// Cache-Control, Expires), canonical names.
	Headers map[string]string `json:"headers,omitempty"`
	// Metadata is the user metadata (x-amz-meta-*), names lowercase and
	// without the prefix.
	Metadata  map[string]string `json:"meta,omitempty"`
	Tags      []Tag             `json:"tags,omitempty"`
	Checksum  Checksum          `json:"checksum,omitempty"`
	Parts     []Part            `json:"parts"`
	Sequencer string            `json:"seq"`
}

// Part is a stretch of an object's bytes in one blob: the whole object
// for a PUT, one uploaded part for a completed multipart upload.
type Part struct {
	Number       int       `json:"n,omitempty"`
	Blob         string    `json:"blob"`
	Size         int64     `json:"size"`
	ETag         string    `json:"etag,omitempty"`
	Checksum     Checksum  `json:"checksum,omitempty"`
	LastModified time.Time `json:"modified,omitempty"`
}

// PartsCount is the number of parts of a multipart object, 0 otherwise.
func (o Object) PartsCount() int {
	if len(o.Parts) == 1 && o.Parts[0].Number == 0 {
		return 0
	}
	return len(o.Parts)
}

// Origin is who made a request, for the event records it causes.
type Origin struct {
	SourceIP    string
	PrincipalID string
	RequestID   string
}

// PutInput is a PutObject request.
type PutInput struct {
	Bucket, Key string
	Body        io.Reader
	Expect      Expect
	Headers     map[string]string
	Metadata    map[string]string
	Tags        []Tag
	Origin      Origin
}

// maxKeyLength is S3's limit on a key's UTF-8 bytes.
const maxKeyLength = 1024

func checkKey(key string) error {
	if len(key) > maxKeyLength {
		return s3Error(http.StatusBadRequest, "KeyTooLongError", "Your key is too long")
	}
	if key == "" {
		return s3Error(http.StatusBadRequest, "InvalidArgument", "Key cannot be empty")
	}
	return nil
}

// PutObject stores a body as an object, replacing any object under the key.
func (s *Service) PutObject(ctx context.Context, in PutInput) (Object, error) {
	if _, _, err := s.bucket(ctx, in.Bucket); err != nil {
		return Object{}, err
	}
	if err := checkKey(in.Key); err != nil {
		return Object{}, err
	}
	if err := checkTags(in.Tags, 10); err != nil {
		return Object{}, err
	}
	part, d, err := s.storeBody(ctx, in.Body, in.Expect)
	if err != nil {
		return Object{}, err
	}
	obj := Object{
		Bucket: in.Bucket, Key: in.Key, Size: part.Size, ETag: d.etag(), LastModified: s.o.Now().UTC(),
		Headers: in.Headers, Metadata: in.Metadata, Tags: in.Tags, Checksum: d.stored(), Parts: []Part{part},
	}
	if err := s.commit(ctx, &obj, "ObjectCreated:Put", in.Origin); err != nil {
		s.deleteBlobs([]string{part.Blob})
		return Object{}, err
	}
	return obj, nil
}

// storeBody streams body into a new blob, checking what the client
// declared; on any failure nothing is left stored.
func (s *Service) storeBody(ctx context.Context, body io.Reader, e Expect) (Part, *digester, error) {
	d, err := newDigester(body, e)
	if err != nil {
		return Part{}, nil, err
	}
	name := newName()
	info, err := s.o.Blobs.PutBlob(ctx, name, d)
	if err != nil {
		s.deleteBlobs([]string{name})
		if d.err != nil {
			return Part{}, nil, d.err
		}
		return Part{}, nil, fmt.Errorf("storing object: %w", err)
	}
	return Part{Blob: name, Size: info.Size, ETag: d.etag(), Checksum: d.stored(), LastModified: s.o.Now().UTC()}, d, nil
}

// commit publishes obj under its key (the one moment it becomes visible),
// after recording its event, and removes the blobs of what it replaced.
func (s *Service) commit(ctx context.Context, obj *Object, event string, origin Origin) error {
	key := objectKey(obj.Bucket, obj.Key)
	for range 10 {
		var old Object
		rev, err := getJSON(ctx, s.o.Objects, key, &old)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		obj.Sequencer = s.sequencer()
		if err := s.pending(ctx, event, *obj, origin); err != nil {
			return err
		}
		if _, err = putJSON(ctx, s.o.Objects, key, obj, rev); err != nil {
			if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrExists) {
				continue // a concurrent write won; S3's last writer wins too
			}
			return err
		}
		if rev != 0 {
			s.deleteBlobs(blobsOf(old))
		}
		return nil
	}
	return fmt.Errorf("committing %s: %w", obj.Key, store.ErrConflict)
}

func blobsOf(o Object) []string {
	var out []string
	for _, p := range o.Parts {
		out = append(out, p.Blob)
	}
	return out
}

func (s *Service) pending(ctx context.Context, name string, o Object, origin Origin) error {
	if s.o.Notifier == nil {
		return nil
	}
	e := Event{
		Name: name, Bucket: o.Bucket, Key: o.Key, Size: o.Size, ETag: o.ETag, Sequencer: o.Sequencer,
		Time: s.o.Now().UTC(), Origin: origin,
	}
	if err := s.o.Notifier.Pending(ctx, e); err != nil {
		return fmt.Errorf("recording event: %w", err)
	}
	return nil
}

// Head returns an object's record.
func (s *Service) Head(ctx context.Context, bucket, key string) (Object, error) {
	if _, _, err := s.bucket(ctx, bucket); err != nil {
		return Object{}, err
	}
	o, _, err := s.object(ctx, bucket, key)
	return o, err
}

// Current returns an object's record without checking its bucket, or
// store.ErrNotFound.
func (s *Service) Current(ctx context.Context, bucket, key string) (Object, error) {
	var o Object
	_, err := getJSON(ctx, s.o.Objects, objectKey(bucket, key), &o)
	return o, err
}

func (s *Service) object(ctx context.Context, bucket, key string) (Object, uint64, error) {
	var o Object
	if err := checkKey(key); err != nil {
		return o, 0, noSuchKey()
	}
	rev, err := getJSON(ctx, s.o.Objects, objectKey(bucket, key), &o)
	if errors.Is(err, store.ErrNotFound) {
		return o, 0, noSuchKey()
	}
	return o, rev, err
}

// Open reads length bytes of o from offset (length -1: to the end),
// opening its blobs one after the other as the reader reaches them.
func (s *Service) Open(ctx context.Context, o Object, offset, length int64) io.ReadCloser {
	if length < 0 {
		length = o.Size - offset
	}
	return &partsReader{ctx: ctx, blobs: s.o.Blobs, parts: o.Parts, skip: offset, left: length}
}

type partsReader struct {
	ctx   context.Context
	blobs Blobs
	parts []Part
	skip  int64 // bytes still to skip before the range
	left  int64 // bytes of the range still to return
	cur   io.ReadCloser
}

func (r *partsReader) Read(p []byte) (int, error) {
	for {
		if r.left <= 0 {
			return 0, io.EOF
		}
		if r.cur == nil {
			for len(r.parts) > 0 && r.skip >= r.parts[0].Size {
				r.skip -= r.parts[0].Size
				r.parts = r.parts[1:]
			}
			if len(r.parts) == 0 {
				return 0, io.ErrUnexpectedEOF
			}
			rc, err := r.blobs.GetBlob(r.ctx, r.parts[0].Blob)
			if err != nil {
				return 0, err
			}
			r.parts = r.parts[1:]
			if r.skip > 0 {
				if _, err := io.CopyN(io.Discard, rc, r.skip); err != nil {
					rc.Close()
					return 0, fmt.Errorf("seeking in blob: %w", err)
				}
				r.skip = 0
			}
			r.cur = rc
		}
		if int64(len(p)) > r.left {
			p = p[:r.left]
		}
		n, err := r.cur.Read(p)
		r.left -= int64(n)
		if errors.Is(err, io.EOF) {
			r.cur.Close()
			r.cur = nil
			err = nil
		}
		if n > 0 || err != nil {
			return n, err
		}
	}
}

func (r *partsReader) Close() error {
	if r.cur != nil {
		return r.cur.Close()
	}
	return nil
}

// DeleteObject removes an object; a missing one is not an error (S3
// answers 204 either way). existed reports whether there was one.
func (s *Service) DeleteObject(ctx context.Context, bucket, key string, origin Origin) (existed bool, err error) {
	if _, _, err := s.bucket(ctx, bucket); err != nil {
		return false, err
	}
	for range 10 {
		o, rev, err := s.object(ctx, bucket, key)
		if err != nil {
			return false, nil // NoSuchKey, or an invalid key: nothing to delete
		}
		o.Sequencer = s.sequencer()
		if err := s.pending(ctx, "ObjectRemoved:Delete", o, origin); err != nil {
			return false, err
		}
		err = s.o.Objects.Delete(ctx, objectKey(bucket, key), rev)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		s.deleteBlobs(blobsOf(o))
		return true, nil
	}
	return false, fmt.Errorf("deleting %s: %w", key, store.ErrConflict)
}

// PutObjectTagging replaces an object's tags.
func (s *Service) PutObjectTagging(ctx context.Context, bucket, key string, tags []Tag) error {
	if err := checkTags(tags, 10); err != nil {
		return err
	}
	return s.updateObject(ctx, bucket, key, func(o *Object) { o.Tags = tags })
}

// GetObjectTagging returns an object's tags.
func (s *Service) GetObjectTagging(ctx context.Context, bucket, key string) ([]Tag, error) {
	o, err := s.Head(ctx, bucket, key)
	return o.Tags, err
}

func (s *Service) updateObject(ctx context.Context, bucket, key string, change func(*Object)) error {
	if _, _, err := s.bucket(ctx, bucket); err != nil {
		return err
	}
	for range 10 {
		o, rev, err := s.object(ctx, bucket, key)
		if err != nil {
			return err
		}
		change(&o)
		if _, err = putJSON(ctx, s.o.Objects, objectKey(bucket, key), o, rev); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return store.ErrConflict
}

// ReadObject returns an object's bytes, or EntityTooLarge when it holds
// more than limit (for callers that need it whole: deployment packages).
func (s *Service) ReadObject(ctx context.Context, bucket, key string, limit int64) ([]byte, error) {
	o, err := s.Head(ctx, bucket, key)
	if err != nil {
		return nil, err
	}
	if o.Size > limit {
		return nil, s3Error(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
	}
	r := s.Open(ctx, o, 0, -1)
	defer r.Close()
	return io.ReadAll(r)
}
