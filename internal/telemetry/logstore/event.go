package logstore

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// Entry is one line on its way to its log group.
type Entry struct {
	Stream  string
	Time    time.Time
	Message string
}

// Event is one stored line.
type Event struct {
	// ID is unique within the group and grows with every event stored in
	// it; queries resume from an ID.
	ID       uint64
	Stream   string
	Time     time.Time // when the environment printed it
	Ingested time.Time // when the store accepted it
	Message  string
}

// Size is how much an event counts towards a response's byte limit:
// CloudWatch counts the message plus 26 bytes.
func (e Event) Size() int { return len(e.Message) + 26 }

// streamName is the JetStream stream of a log group. Group names may hold
// characters (/, #, .) that stream names may not, and may be 512
// characters long, so the stream is named after a hash.
func streamName(group string) string {
	sum := sha256.Sum256([]byte(group))
	return groupStreamPrefix + hex.EncodeToString(sum[:16])
}

const groupStreamPrefix = "logs-"

// Metadata keys on a group's stream.
const (
	metaGroup     = "log_group"
	metaRetention = "retention_days"
)

// key is a log stream's key in its group's stream: log stream names hold
// '/', '[' and '$', which subjects may not.
func key(stream string) string { return base64.RawURLEncoding.EncodeToString([]byte(stream)) }

func streamOfKey(k string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(k)
	return string(b), err == nil
}

// encode stores the event's timestamp (Unix milliseconds) before its text.
func encode(e Entry) []byte {
	b := make([]byte, 8, 8+len(e.Message))
	binary.BigEndian.PutUint64(b, uint64(e.Time.UnixMilli()))
	return append(b, e.Message...)
}

func decode(data []byte) (time.Time, string, bool) {
	if len(data) < 8 {
		return time.Time{}, "", false
	}
	return time.UnixMilli(int64(binary.BigEndian.Uint64(data))), string(data[8:]), true
}
