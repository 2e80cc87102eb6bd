package objects

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"gust/internal/store"
)

// Upload is a multipart upload in progress.
type Upload struct {
	ID        string            `json:"id"`
	Bucket    string            `json:"bucket"`
	Key       string            `json:"key"`
	Initiated time.Time         `json:"initiated"`
	Headers   map[string]string `json:"headers,omitempty"`
	Metadata  map[string]string `json:"meta,omitempty"`
	Tags      []Tag             `json:"tags,omitempty"`
	// ChecksumAlgorithm is the algorithm every part carries, if any.
	ChecksumAlgorithm string `json:"checksumAlgorithm,omitempty"`
}

// minPartSize is S3's smallest part but the last.
const minPartSize = 5 << 20

func uploadKey(id string) string           { return "u." + id }
func partKey(id string, number int) string { return fmt.Sprintf("p.%s.%05d", id, number) }

// CreateUpload starts a multipart upload.
func (s *Service) CreateUpload(ctx context.Context, u Upload) (Upload, error) {
	if _, _, err := s.bucket(ctx, u.Bucket); err != nil {
		return Upload{}, err
	}
	if err := checkKey(u.Key); err != nil {
		return Upload{}, err
	}
	if u.ChecksumAlgorithm != "" && !ValidAlgorithm(u.ChecksumAlgorithm) {
		return Upload{}, s3Error(http.StatusBadRequest, "InvalidRequest", "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
	}
	u.ChecksumAlgorithm = strings.ToUpper(u.ChecksumAlgorithm)
	u.ID = newName()
	u.Initiated = s.o.Now().UTC()
	if _, err := putJSON(ctx, s.o.Uploads, uploadKey(u.ID), u, 0); err != nil {
		return Upload{}, err
	}
	return u, nil
}

// upload returns the upload id of bucket/key, or NoSuchUpload.
func (s *Service) upload(ctx context.Context, bucket, key, id string) (Upload, error) {
	if _, _, err := s.bucket(ctx, bucket); err != nil {
		return Upload{}, err
	}
	var u Upload
	if !store.ValidKey(uploadKey(id)) || strings.Contains(id, ".") {
		return u, noSuchUpload()
	}
	_, err := getJSON(ctx, s.o.Uploads, uploadKey(id), &u)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (u.Bucket != bucket || u.Key != key)) {
		return u, noSuchUpload()
	}
	return u, err
}

func checkPartNumber(n int) error {
	if n < 1 || n > 10000 {
		return s3Error(http.StatusBadRequest, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive")
	}
	return nil
}

// UploadPart stores one part's body, replacing an earlier part of that
// number.
func (s *Service) UploadPart(ctx context.Context, bucket, key, id string, number int, body io.Reader, e Expect) (Part, error) {
	if err := checkPartNumber(number); err != nil {
		return Part{}, err
	}
	u, err := s.upload(ctx, bucket, key, id)
	if err != nil {
		return Part{}, err
	}
	if e.Algorithm == "" {
		e.Algorithm = u.ChecksumAlgorithm
	}
	part, _, err := s.storeBody(ctx, body, e)
	if err != nil {
		return Part{}, err
	}
	part.Number = number
	return part, s.savePart(ctx, id, part)
}

func (s *Service) savePart(ctx context.Context, id string, part Part) error {
	var old Part
	_, oerr := getJSON(ctx, s.o.Uploads, partKey(id, part.Number), &old)
	if err := setJSON(ctx, s.o.Uploads, partKey(id, part.Number), part); err != nil {
		s.deleteBlobs([]string{part.Blob})
		return err
	}
	if oerr == nil && old.Blob != part.Blob {
		s.deleteBlobs([]string{old.Blob})
	}
	return nil
}

// UploadPartCopy stores a range (first..last inclusive, first -1: all) of
// an existing object as a part.
func (s *Service) UploadPartCopy(ctx context.Context, bucket, key, id string, number int,
	srcBucket, srcKey string, cond Conditions, first, last int64) (Part, error) {
	if err := checkPartNumber(number); err != nil {
		return Part{}, err
	}
	u, err := s.upload(ctx, bucket, key, id)
	if err != nil {
		return Part{}, err
	}
	src, err := s.Head(ctx, srcBucket, srcKey)
	if err != nil {
		return Part{}, err
	}
	if cond.Check(src) != 0 {
		return Part{}, preconditionFailed()
	}
	offset, length := int64(0), src.Size
	if first >= 0 {
		if first > last || last >= src.Size {
			return Part{}, s3Error(http.StatusBadRequest, "InvalidArgument",
				"Range specified is not valid for source object of size: %d", src.Size)
		}
		offset, length = first, last-first+1
	}
	body := s.Open(ctx, src, offset, length)
	defer body.Close()
	part, _, err := s.storeBody(ctx, body, Expect{Algorithm: u.ChecksumAlgorithm})
	if err != nil {
		return Part{}, err
	}
	part.Number = number
	return part, s.savePart(ctx, id, part)
}

// Parts lists an upload's stored parts by number.
func (s *Service) Parts(ctx context.Context, bucket, key, id string) (Upload, []Part, error) {
	u, err := s.upload(ctx, bucket, key, id)
	if err != nil {
		return u, nil, err
	}
	parts, err := s.parts(ctx, id)
	return u, parts, err
}

func (s *Service) parts(ctx context.Context, id string) ([]Part, error) {
	keys, err := s.o.Uploads.Keys(ctx, "p."+id+".")
	if err != nil {
		return nil, err
	}
	var parts []Part
	for _, k := range keys {
		var p Part
		if _, err := getJSON(ctx, s.o.Uploads, k, &p); err == nil {
			parts = append(parts, p)
		}
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].Number < parts[j].Number })
	return parts, nil
}

// Uploads lists a bucket's uploads in progress, by key then initiation.
func (s *Service) Uploads(ctx context.Context, bucket, prefix string) ([]Upload, error) {
	if _, _, err := s.bucket(ctx, bucket); err != nil {
		return nil, err
	}
	keys, err := s.o.Uploads.Keys(ctx, "u.")
	if err != nil {
		return nil, err
	}
	var out []Upload
	for _, k := range keys {
		var u Upload
		if _, err := getJSON(ctx, s.o.Uploads, k, &u); err == nil && u.Bucket == bucket && strings.HasPrefix(u.Key, prefix) {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		return out[i].Initiated.Before(out[j].Initiated)
	})
	return out, nil
}

// AbortUpload discards an upload and its parts.
func (s *Service) AbortUpload(ctx context.Context, bucket, key, id string) error {
	if _, err := s.upload(ctx, bucket, key, id); err != nil {
		return err
	}
	parts, err := s.parts(ctx, id)
	if err != nil {
		return err
	}
	s.forget(ctx, id, parts)
	var blobs []string
	for _, p := range parts {
		blobs = append(blobs, p.Blob)
	}
	s.deleteBlobs(blobs)
	return nil
}

// forget removes an upload's records (not the blobs).
func (s *Service) forget(ctx context.Context, id string, parts []Part) {
	if err := s.o.Uploads.Delete(ctx, uploadKey(id), 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.o.Logger.Warn("deleting upload", "upload", id, "err", err)
	}
	for _, p := range parts {
		if err := s.o.Uploads.Delete(ctx, partKey(id, p.Number), 0); err != nil && !errors.Is(err, store.ErrNotFound) {
			s.o.Logger.Warn("deleting part", "upload", id, "part", p.Number, "err", err)
		}
	}
}

// CompletedPart is one entry of a CompleteMultipartUpload request.
type CompletedPart struct {
	Number   int
	ETag     string
	Checksum string // the part's checksum in the upload's algorithm, if sent
}

// CompleteUpload assembles the listed parts into the object: its record
// names the parts' blobs in order, so nothing is copied.
func (s *Service) CompleteUpload(ctx context.Context, bucket, key, id string, list []CompletedPart, origin Origin) (Object, error) {
	u, err := s.upload(ctx, bucket, key, id)
	if err != nil {
		return Object{}, err
	}
	if len(list) == 0 {
		return Object{}, s3Error(http.StatusBadRequest, "InvalidRequest", "You must specify at least one part")
	}
	stored, err := s.parts(ctx, id)
	if err != nil {
		return Object{}, err
	}
	byNumber := map[int]Part{}
	for _, p := range stored {
		byNumber[p.Number] = p
	}
	invalidPart := s3Error(http.StatusBadRequest, "InvalidPart",
		"One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.")
	var (
		parts  []Part
		size   int64
		md5s   = md5.New()
		sums   hash.Hash
		newSum = checksumAlgorithms[u.ChecksumAlgorithm]
	)
	if newSum != nil {
		sums = newSum()
	}
	for i := 1; i < len(list); i++ {
		if list[i].Number <= list[i-1].Number {
			return Object{}, s3Error(http.StatusBadRequest, "InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.")
		}
	}
	for i, c := range list {
		p, ok := byNumber[c.Number]
		if !ok || strings.Trim(c.ETag, `"`) != strings.Trim(p.ETag, `"`) {
			return Object{}, invalidPart
		}
		if c.Checksum != "" && p.Checksum.Value != "" && c.Checksum != p.Checksum.Value {
			return Object{}, invalidPart
		}
		if i < len(list)-1 && p.Size < minPartSize {
			return Object{}, s3Error(http.StatusBadRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
		}
		raw, _ := hex.DecodeString(strings.Trim(p.ETag, `"`))
		md5s.Write(raw)
		if sums != nil {
			v, _ := base64.StdEncoding.DecodeString(p.Checksum.Value)
			sums.Write(v)
		}
		parts = append(parts, p)
		size += p.Size
	}
	obj := Object{
		Bucket: bucket, Key: key, Size: size, LastModified: s.o.Now().UTC(),
		ETag:    `"` + hex.EncodeToString(md5s.Sum(nil)) + "-" + strconv.Itoa(len(parts)) + `"`,
		Headers: u.Headers, Metadata: u.Metadata, Tags: u.Tags, Parts: parts,
	}
	if sums != nil {
		obj.Checksum = Checksum{Algorithm: u.ChecksumAlgorithm, Type: "COMPOSITE",
			Value: base64.StdEncoding.EncodeToString(sums.Sum(nil)) + "-" + strconv.Itoa(len(parts))}
	}
	if err := s.commit(ctx, &obj, "ObjectCreated:CompleteMultipartUpload", origin); err != nil {
		return Object{}, err
	}
	s.forget(ctx, id, stored)
	var unused []string
	used := map[int]bool{}
	for _, p := range parts {
		used[p.Number] = true
	}
	for _, p := range stored {
		if !used[p.Number] {
			unused = append(unused, p.Blob)
		}
	}
	s.deleteBlobs(unused)
	return obj, nil
}
