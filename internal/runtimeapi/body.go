package runtimeapi

import (
	"bytes"
	"io"
	"net/http"
)

// maxDrainBytes bounds how much of an oversized body of unknown length is
// read (and thrown away) to learn its size for the error message. Past it the
// size reported is a lower bound and the connection is closed instead.
const maxDrainBytes = 64 << 20

// postedBody is a runtime's request body, read with a limit.
type postedBody struct {
	data []byte // nil when tooLarge
	// size is how many bytes the runtime sent: exact unless tooLarge, then
	// its Content-Length or what was counted before giving up.
	size     int64
	tooLarge bool
	// complete: the body was read to its end, so r.Trailer is filled in and
	// the connection can be reused.
	complete bool
}

// readBody reads r's body, keeping at most limit bytes in memory.
func readBody(r *http.Request, limit int64) (postedBody, error) {
	if r.ContentLength > limit {
		return postedBody{size: r.ContentLength, tooLarge: true}, nil
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	if _, err := buf.ReadFrom(io.LimitReader(r.Body, limit+1)); err != nil {
		return postedBody{}, err
	}
	if int64(buf.Len()) <= limit {
		return postedBody{data: buf.Bytes(), size: int64(buf.Len()), complete: true}, nil
	}
	// Unknown length (chunked) and over the limit: count the rest.
	n, err := io.Copy(io.Discard, io.LimitReader(r.Body, maxDrainBytes))
	return postedBody{
		size:     int64(buf.Len()) + n,
		tooLarge: true,
		complete: err == nil && n < maxDrainBytes,
	}, nil
}
