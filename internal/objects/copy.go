package objects

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// Conditions are the conditional headers of a GET, HEAD or copy source.
type Conditions struct {
	IfMatch, IfNoneMatch               string
	IfModifiedSince, IfUnmodifiedSince time.Time
}

// Check applies S3's precedence: If-Match over If-Unmodified-Since,
// If-None-Match over If-Modified-Since. notModified is the answer to a GET
// (304) for the two negative conditions, a copy answers 412 to all.
func (c Conditions) Check(o Object) (status int) {
	matches := func(list string) bool {
		for _, e := range strings.Split(list, ",") {
			e = strings.TrimSpace(e)
			if e == "*" || strings.Trim(e, `"`) == strings.Trim(o.ETag, `"`) {
				return true
			}
		}
		return false
	}
	modified := o.LastModified.Truncate(time.Second)
	if c.IfMatch != "" {
		if !matches(c.IfMatch) {
			return http.StatusPreconditionFailed
		}
	} else if !c.IfUnmodifiedSince.IsZero() && modified.After(c.IfUnmodifiedSince) {
		return http.StatusPreconditionFailed
	}
	if c.IfNoneMatch != "" {
		if matches(c.IfNoneMatch) {
			return http.StatusNotModified
		}
	} else if !c.IfModifiedSince.IsZero() && !modified.After(c.IfModifiedSince) {
		return http.StatusNotModified
	}
	return 0
}

// CopyInput is a CopyObject request.
type CopyInput struct {
	SrcBucket, SrcKey string
	Bucket, Key       string
	Conditions        Conditions
	// ReplaceMetadata takes Headers and Metadata from the request instead
	// of the source (x-amz-metadata-directive: REPLACE); likewise tags.
	ReplaceMetadata   bool
	Headers, Metadata map[string]string
	ReplaceTags       bool
	Tags              []Tag
	ChecksumAlgorithm string
	Origin            Origin
}

// CopyObject copies an object's bytes into a new object.
func (s *Service) CopyObject(ctx context.Context, in CopyInput) (Object, error) {
	src, err := s.Head(ctx, in.SrcBucket, in.SrcKey)
	if err != nil {
		return Object{}, err
	}
	if _, _, err := s.bucket(ctx, in.Bucket); err != nil {
		return Object{}, err
	}
	if err := checkKey(in.Key); err != nil {
		return Object{}, err
	}
	if in.Conditions.Check(src) != 0 {
		return Object{}, preconditionFailed()
	}
	if in.SrcBucket == in.Bucket && in.SrcKey == in.Key && !in.ReplaceMetadata && !in.ReplaceTags {
		return Object{}, s3Error(http.StatusBadRequest, "InvalidRequest",
			"This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
	}
	alg := in.ChecksumAlgorithm
	if alg == "" {
		alg = src.Checksum.Algorithm
	}
	body := s.Open(ctx, src, 0, -1)
	defer body.Close()
	part, d, err := s.storeBody(ctx, body, Expect{Algorithm: alg})
	if err != nil {
		return Object{}, err
	}
	obj := Object{
		Bucket: in.Bucket, Key: in.Key, Size: part.Size, ETag: d.etag(), LastModified: s.o.Now().UTC(),
		Headers: src.Headers, Metadata: src.Metadata, Tags: src.Tags, Checksum: d.stored(), Parts: []Part{part},
	}
	if in.ReplaceMetadata {
		obj.Headers, obj.Metadata = in.Headers, in.Metadata
	}
	if in.ReplaceTags {
		obj.Tags = in.Tags
	}
	if err := s.commit(ctx, &obj, "ObjectCreated:Copy", in.Origin); err != nil {
		s.deleteBlobs([]string{part.Blob})
		return Object{}, err
	}
	return obj, nil
}

func preconditionFailed() error {
	return s3Error(http.StatusPreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
}
