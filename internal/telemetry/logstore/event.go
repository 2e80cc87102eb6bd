package logstore

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"time"

	"gust/internal/store"
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
	// it; queries resume from an ID. It is the JetStream sequence of the
	// message holding the event, shifted left by idBits, plus the event's
	// index in the message.
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
	metaKmsKey    = "kms_key_id"
	metaClass     = "log_group_class"
	metaTags      = "tags"
)

// key is a log stream's key in its group's stream: log stream names hold
// '/', '[' and '$', which subjects may not.
func key(stream string) string { return base64.RawURLEncoding.EncodeToString([]byte(stream)) }

func streamOfKey(k string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(k)
	return string(b), err == nil
}

// One JetStream message holds consecutive lines of one log stream: a
// format byte, then per line its timestamp (Unix milliseconds, 8 bytes),
// its length (4 bytes) and its text. Storing a batch of lines as one
// message rather than one message each is what keeps the log store's cost
// off busy nodes (see BENCHMARKS.md).
const (
	formatV1 = 1
	// idBits is how many low bits of an event ID index the event within
	// its message.
	idBits = 12
	// maxPerMessage and maxMessageBytes bound a message: as many events as
	// idBits can index, and under JetStream's default 1 MB payload (lines
	// are at most 256 KB, and a line that does not fit starts a message).
	maxPerMessage   = 1 << idBits
	maxMessageBytes = 768 << 10
)

// eventID is the ID of the index-th event of message seq.
func eventID(seq uint64, index int) uint64 { return seq<<idBits | uint64(index) }

// pack encodes one log stream's entries into as few messages as the
// bounds allow.
func pack(entries []Entry) [][]byte {
	var msgs [][]byte
	var cur []byte
	n := 0
	for _, e := range entries {
		if cur != nil && (n == maxPerMessage || len(cur)+12+len(e.Message) > maxMessageBytes) {
			msgs, cur, n = append(msgs, cur), nil, 0
		}
		if cur == nil {
			cur = []byte{formatV1}
		}
		cur = binary.BigEndian.AppendUint64(cur, uint64(e.Time.UnixMilli()))
		cur = binary.BigEndian.AppendUint32(cur, uint32(len(e.Message)))
		cur = append(cur, e.Message...)
		n++
	}
	if cur != nil {
		msgs = append(msgs, cur)
	}
	return msgs
}

// unpack decodes a message's events; ok is false for a malformed one.
func unpack(m store.Message) (events []Event, ok bool) {
	stream, ok := streamOfKey(m.Key)
	data := m.Data
	if !ok || len(data) == 0 || data[0] != formatV1 {
		return nil, false
	}
	data = data[1:]
	for len(data) > 0 {
		if len(data) < 12 {
			return nil, false
		}
		at := time.UnixMilli(int64(binary.BigEndian.Uint64(data)))
		n := binary.BigEndian.Uint32(data[8:])
		data = data[12:]
		if uint64(len(data)) < uint64(n) || len(events) == maxPerMessage {
			return nil, false
		}
		events = append(events, Event{ID: eventID(m.Seq, len(events)), Stream: stream, Time: at, Ingested: m.Time, Message: string(data[:n])})
		data = data[n:]
	}
	return events, true
}
