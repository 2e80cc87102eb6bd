// Package ids makes the identifiers Gust hands out: the UUIDs AWS uses as
// request, message and event ids (random ones, and ones derived from a name
// so that a repeated delivery carries the same id), random hex, and X-Ray
// trace ids.
//
// It does not parse or validate them.
package ids

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// UUID is a random (version 4) UUID in its canonical form, as AWS's
// request IDs and RevisionIds are.
func UUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return format(b)
}

// Of is a UUID derived from parts: equal parts give equal ids.
func Of(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	var b [16]byte
	copy(b[:], sum[:16])
	return format(b)
}

func format(b [16]byte) string {
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Hex is n random bytes in lowercase hex (2n characters).
func Hex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// TraceID is an X-Ray trace ID for a request that began at t:
// 1-<8 hex digits of t's Unix seconds>-<24 random hex digits>.
func TraceID(t time.Time) string {
	return fmt.Sprintf("1-%08x-%s", t.Unix(), Hex(12))
}
