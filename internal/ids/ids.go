// Package ids makes the UUIDs AWS uses as message, event and request ids:
// random ones, and ones derived from a name so that a repeated delivery
// carries the same id.
//
// It does not parse or validate UUIDs.
package ids

import (
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strings"
)

// New is a random (version 4) UUID.
func New() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
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
