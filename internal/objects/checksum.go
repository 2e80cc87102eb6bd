package objects

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strings"
)

// The checksum algorithms S3 verifies and stores (x-amz-checksum-*).
var checksumAlgorithms = map[string]func() hash.Hash{
	"CRC32":     func() hash.Hash { return crc32.NewIEEE() },
	"CRC32C":    func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) },
	"CRC64NVME": func() hash.Hash { return crc64.New(crc64NVME) },
	"SHA1":      sha1.New,
	"SHA256":    sha256.New,
}

// crc64NVME is CRC-64/NVME (reflected polynomial of 0xAD93D23594C93659).
var crc64NVME = crc64.MakeTable(0x9A6C9329AC4BC9B5)

// ChecksumAlgorithms lists the names S3 accepts, as in its headers
// (x-amz-checksum-<lowercase name>).
func ChecksumAlgorithms() []string {
	return []string{"CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"}
}

// Checksum is an object's or part's stored checksum.
type Checksum struct {
	Algorithm string `json:"alg,omitempty"` // CRC32, ...
	Value     string `json:"value,omitempty"`
	// Type is FULL_OBJECT or COMPOSITE (multipart checksums of checksums).
	Type string `json:"type,omitempty"`
}

// Expect is what a client declared about a body it sends.
type Expect struct {
	// ContentMD5 is the Content-MD5 header (base64), optional.
	ContentMD5 string
	// Algorithm is the checksum algorithm to compute (x-amz-checksum-*,
	// x-amz-sdk-checksum-algorithm or a trailer), optional.
	Algorithm string
	// Value is the declared checksum; Trailer, when set, gives it after
	// the body (trailing checksums).
	Value   string
	Trailer func() string
}

// ValidAlgorithm reports whether name is a known checksum algorithm.
func ValidAlgorithm(name string) bool {
	_, ok := checksumAlgorithms[strings.ToUpper(name)]
	return ok
}

// digester computes a body's MD5 and checksum while it streams and checks
// them at its end.
type digester struct {
	src    io.Reader
	expect Expect
	md5    hash.Hash
	sum    hash.Hash
	err    error // a failed check, reported in place of EOF
}

func newDigester(src io.Reader, e Expect) (*digester, error) {
	d := &digester{src: src, expect: e, md5: md5.New()}
	if e.ContentMD5 != "" {
		if b, err := base64.StdEncoding.DecodeString(e.ContentMD5); err != nil || len(b) != md5.Size {
			return nil, s3Error(http.StatusBadRequest, "InvalidDigest", "The Content-MD5 you specified was invalid.")
		}
	}
	if e.Algorithm != "" {
		newHash, ok := checksumAlgorithms[strings.ToUpper(e.Algorithm)]
		if !ok {
			return nil, s3Error(http.StatusBadRequest, "InvalidRequest", "Value for x-amz-checksum-algorithm header is invalid.")
		}
		d.sum = newHash()
	}
	return d, nil
}

func (d *digester) Read(p []byte) (int, error) {
	n, err := d.src.Read(p)
	d.md5.Write(p[:n])
	if d.sum != nil {
		d.sum.Write(p[:n])
	}
	if errors.Is(err, io.EOF) {
		if cerr := d.check(); cerr != nil {
			d.err = cerr
			return n, cerr
		}
	}
	return n, err
}

func (d *digester) check() error {
	if d.expect.ContentMD5 != "" && base64.StdEncoding.EncodeToString(d.md5.Sum(nil)) != d.expect.ContentMD5 {
		return s3Error(http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received.")
	}
	if d.sum == nil {
		return nil
	}
	want := d.expect.Value
	if d.expect.Trailer != nil {
		want = d.expect.Trailer()
	}
	if want == "" && d.expect.Trailer != nil {
		return s3Error(http.StatusBadRequest, "MalformedTrailerError", "The request contained trailing data that was not well-formed or did not conform to our published schema.")
	}
	if want != "" && want != d.checksum() {
		return s3Error(http.StatusBadRequest, "BadDigest", "The %s you specified did not match the calculated checksum.", strings.ToUpper(d.expect.Algorithm))
	}
	return nil
}

func (d *digester) etag() string { return `"` + hex.EncodeToString(d.md5.Sum(nil)) + `"` }

func (d *digester) checksum() string {
	if d.sum == nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(d.sum.Sum(nil))
}

func (d *digester) stored() Checksum {
	if d.sum == nil {
		return Checksum{}
	}
	return Checksum{Algorithm: strings.ToUpper(d.expect.Algorithm), Value: d.checksum(), Type: "FULL_OBJECT"}
}

// Checked returns body as a reader that fails at its end, with S3's
// BadDigest, when it does not match what the client declared.
func Checked(body io.Reader, e Expect) (io.Reader, error) {
	return newDigester(body, e)
}
