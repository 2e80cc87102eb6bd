package sigv4

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// The X-Amz-Content-Sha256 values S3 clients send besides a hex digest and
// UNSIGNED-PAYLOAD: an aws-chunked body whose chunks are signed, with or
// without a trailer, or unsigned chunks followed by a trailer (the checksum
// current SDKs compute while they send).
const (
	StreamingSigned          = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingSignedTrailer   = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// Codes only S3-style verification returns.
const (
	// CodeMissingContentSHA256: a header-signed S3 request without
	// X-Amz-Content-Sha256.
	CodeMissingContentSHA256 = "MissingContentSHA256"
	// CodeInvalidContentSHA256: an X-Amz-Content-Sha256 that is neither a
	// digest nor one of the known payload modes.
	CodeInvalidContentSHA256 = "InvalidContentSHA256"
	// CodeContentSHA256Mismatch: the body's digest is not the signed one.
	CodeContentSHA256Mismatch = "XAmzContentSHA256Mismatch"
	// CodeIncompleteBody: an aws-chunked body that is malformed or shorter
	// than it announced.
	CodeIncompleteBody = "IncompleteBody"
)

// maxChunkLine bounds a chunk header or trailer line: a signature and a
// size, or a checksum header, fit many times over.
const maxChunkLine = 4096

// VerifyS3 authenticates r the way S3 does and returns the body to read in
// place of r.Body. It differs from Verify in what S3 signs:
//
//   - the canonical URI is the path as sent, not encoded once more (and,
//     for a client that sent characters raw, the path encoded once);
//   - the payload is whatever X-Amz-Content-Sha256 declares: a digest
//     (checked as the body is read: Payload returns CodeContentSHA256Mismatch
//     at its end), UNSIGNED-PAYLOAD, or an aws-chunked body (decoded by
//     Payload, each chunk's signature checked against the chain started by
//     the request's, trailers read and, when signed, checked).
//
// The body is never buffered whole: a multi-GB upload streams through.
// Whoever reads the Payload must discard what it read when Read returns an
// error other than io.EOF.
func (v *Verifier) VerifyS3(r *http.Request) (Principal, *Payload, error) {
	var declared string
	a, err := v.authenticate(r, "s3", s3URIs, func(params []queryParam, c claim) ([]string, error) {
		declared = r.Header.Get(qContentSHA256)
		if c.presigned {
			for _, p := range params {
				if p.key == qContentSHA256 {
					declared = p.value
				}
			}
			if declared == "" {
				declared = unsignedPayload
			}
		}
		switch {
		case declared == "":
			return nil, &Error{Code: CodeMissingContentSHA256, StatusCode: http.StatusBadRequest,
				Message: "Missing required header for this request: x-amz-content-sha256"}
		case declared == unsignedPayload, declared == StreamingSigned, declared == StreamingSignedTrailer,
			declared == StreamingUnsignedTrailer, isHexDigest(declared):
			return []string{declared}, nil
		}
		return nil, &Error{Code: CodeInvalidContentSHA256, StatusCode: http.StatusBadRequest,
			Message: "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value."}
	})
	if err != nil {
		return Principal{}, nil, err
	}
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	p := &Payload{src: body, length: r.ContentLength}
	switch declared {
	case unsignedPayload:
	case StreamingSigned, StreamingSignedTrailer, StreamingUnsignedTrailer:
		p.length = -1
		if n, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64); err == nil && n >= 0 {
			p.length = n
		}
		ch := &chunked{br: bufio.NewReaderSize(body, 64*1024), want: p.length, trailer: http.Header{}}
		if declared != StreamingUnsignedTrailer {
			ch.signed = true
			ch.key, ch.prev = a.key, a.claim.signature
			ch.prefix = a.claim.amzDate + "\n" + a.claim.credential.scope() + "\n"
		}
		ch.signedTrailer = declared == StreamingSignedTrailer
		p.chunks = ch
	default:
		p.digest, p.want = sha256.New(), declared
	}
	return a.principal, p, nil
}

// s3URIs is S3's canonical URI: the path as sent; for a path with
// characters a client left unencoded, also its once-encoded form (which
// names the same key, S3 decoding the path either way).
func s3URIs(path string) []string {
	if path == "" {
		path = "/"
	}
	forms := []string{path}
	if decoded, ok := unescapePath(path); ok {
		forms = appendNew(forms, uriEncode(decoded, false))
	}
	return forms
}

func unescapePath(p string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != '%' {
			b.WriteByte(p[i])
			continue
		}
		if i+2 >= len(p) {
			return "", false
		}
		n, err := strconv.ParseUint(p[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b.WriteByte(byte(n))
		i += 2
	}
	return b.String(), true
}

func isHexDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// Payload is a verified S3 request's body as the operation reads it.
type Payload struct {
	src    io.Reader
	length int64 // decoded length, -1 when unknown
	digest hash.Hash
	want   string
	chunks *chunked
	n      int64
	err    error
}

// Length is the body's decoded length (X-Amz-Decoded-Content-Length for
// aws-chunked bodies), or -1 when the client did not say.
func (p *Payload) Length() int64 { return p.length }

// Trailer holds the trailing headers of an aws-chunked body once Read has
// returned io.EOF (x-amz-checksum-crc32 and the like); nil otherwise.
func (p *Payload) Trailer() http.Header {
	if p.chunks == nil || p.err != io.EOF {
		return nil
	}
	return p.chunks.trailer
}

// Read reads the decoded body; at its end it checks the declared digest.
func (p *Payload) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	var n int
	var err error
	if p.chunks != nil {
		n, err = p.chunks.Read(b)
	} else {
		n, err = p.src.Read(b)
		if p.digest != nil {
			p.digest.Write(b[:n])
		}
	}
	p.n += int64(n)
	if err == io.EOF {
		if p.digest != nil && hex.EncodeToString(p.digest.Sum(nil)) != strings.ToLower(p.want) {
			err = &Error{Code: CodeContentSHA256Mismatch, StatusCode: http.StatusBadRequest,
				Message: "The provided 'x-amz-content-sha256' header does not match what was computed."}
		}
	} else if errors.Is(err, io.ErrUnexpectedEOF) {
		err = incompleteBody()
	}
	if err != nil {
		p.err = err
	}
	return n, err
}

func incompleteBody() *Error {
	return &Error{Code: CodeIncompleteBody, StatusCode: http.StatusBadRequest,
		Message: "The request body terminated unexpectedly"}
}

// chunked decodes an aws-chunked body:
//
//	<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n ... 0[;chunk-signature=<sig>]\r\n
//	[<trailer name>:<value>\r\n ... [x-amz-trailer-signature:<sig>\r\n]]\r\n
type chunked struct {
	br            *bufio.Reader
	want          int64 // decoded length announced, -1 unknown
	total         int64
	left          int64 // data bytes left in the current chunk
	inChunk       bool
	signed        bool
	signedTrailer bool
	key           []byte
	prefix        string // date and scope lines of the chunk string to sign
	prev          string // the previous signature in the chain
	sig           string // the current chunk's claimed signature
	hash          hash.Hash
	trailer       http.Header
	zero          bool // the current chunk is the final, empty one
	done          bool
}

func (c *chunked) Read(b []byte) (int, error) {
	for !c.inChunk || c.left == 0 {
		if c.done {
			return 0, io.EOF
		}
		if c.inChunk { // the current chunk is complete
			if err := c.endChunk(); err != nil {
				return 0, err
			}
			continue
		}
		if err := c.startChunk(); err != nil {
			return 0, err
		}
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.br.Read(b)
	c.left -= int64(n)
	c.total += int64(n)
	if c.hash != nil {
		c.hash.Write(b[:n])
	}
	if err == io.EOF {
		err = incompleteBody()
	}
	return n, err
}

func (c *chunked) line() (string, error) {
	line, err := c.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) || len(line) > maxChunkLine {
			return "", incompleteBody()
		}
		if err == io.EOF && len(line) == 0 {
			return "", io.EOF
		}
		return "", incompleteBody()
	}
	return strings.TrimRight(string(line), "\r\n"), nil
}

func (c *chunked) startChunk() error {
	l, err := c.line()
	if err != nil {
		return incompleteBody()
	}
	sizeText, ext, _ := strings.Cut(l, ";")
	size, perr := strconv.ParseInt(strings.TrimSpace(sizeText), 16, 64)
	if perr != nil || size < 0 {
		return incompleteBody()
	}
	if c.signed {
		sig, ok := strings.CutPrefix(ext, "chunk-signature=")
		if !ok {
			return incompleteBody()
		}
		c.sig = sig
		c.hash = sha256.New()
	}
	c.left, c.inChunk, c.zero = size, true, size == 0
	if size == 0 {
		return c.endChunk()
	}
	return nil
}

// endChunk checks the finished chunk's signature and reads its CRLF; after
// the final, empty chunk it reads the trailer.
func (c *chunked) endChunk() error {
	if c.signed {
		sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + c.prefix + c.prev + "\n" + emptySHA256 + "\n" + hex.EncodeToString(c.hash.Sum(nil))
		want := hex.EncodeToString(hmacSHA256(c.key, sts))
		if subtle.ConstantTimeCompare([]byte(want), []byte(c.sig)) != 1 {
			return chunkMismatch(sts, c.sig)
		}
		c.prev = c.sig
	}
	c.inChunk = false
	if c.zero {
		return c.readTrailer()
	}
	if l, err := c.line(); err != nil || l != "" {
		return incompleteBody()
	}
	return nil
}

// readTrailer reads the trailing headers up to the empty line (or the end
// of the body, which some clients reach without one) and checks the
// trailer's signature when the payload mode signs it.
func (c *chunked) readTrailer() error {
	var canon strings.Builder
	sig := ""
	for n := 0; ; n++ {
		l, err := c.line()
		if err == io.EOF || (err == nil && l == "") {
			break
		}
		if err != nil || n > 16 {
			return incompleteBody()
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return incompleteBody()
		}
		name, value = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)
		if name == "x-amz-trailer-signature" {
			sig = value
			continue
		}
		c.trailer.Add(name, value)
		canon.WriteString(name + ":" + value + "\n")
	}
	if c.signedTrailer {
		sum := sha256.Sum256([]byte(canon.String()))
		sts := "AWS4-HMAC-SHA256-TRAILER\n" + c.prefix + c.prev + "\n" + hex.EncodeToString(sum[:])
		want := hex.EncodeToString(hmacSHA256(c.key, sts))
		if subtle.ConstantTimeCompare([]byte(want), []byte(sig)) != 1 {
			return chunkMismatch(sts, sig)
		}
	}
	if c.want >= 0 && c.total != c.want {
		return incompleteBody()
	}
	c.done = true
	return io.EOF
}

// emptySHA256 is the digest of nothing, the chunk string to sign's fixed
// line.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

func chunkMismatch(sts, provided string) *Error {
	e := authError(CodeInvalidSignature, msgSignatureMismatch)
	e.Mismatch = &Mismatch{StringToSign: sts, SignatureProvided: provided}
	return e
}
