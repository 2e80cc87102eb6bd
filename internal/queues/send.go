package queues

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"gust/internal/ids"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gust/internal/store"
)

// Message is a message to send.
type Message struct {
	Body       string
	Attributes map[string]MessageAttribute
	// MessageGroupID and DeduplicationID are FIFO queues' (a group id is
	// also accepted on standard queues, as SQS's fair queues do).
	MessageGroupID, DeduplicationID string
	// DelaySeconds overrides the queue's DelaySeconds when non-nil
	// (standard queues only).
	DelaySeconds *int
	// SenderID is reported as the SenderId attribute (the caller's
	// account or principal id); empty means the queue's account.
	SenderID string
	// TraceHeader is the AWSTraceHeader system attribute.
	TraceHeader string
}

// MessageAttribute is one message attribute.
type MessageAttribute struct {
	DataType    string
	StringValue string
	BinaryValue []byte
}

// Sent is what SendMessage reports.
type Sent struct {
	MessageID        string
	MD5OfBody        string
	MD5OfAttributes  string // "" without attributes
	MD5OfSystemAttrs string // "" without system attributes
	SequenceNumber   string // FIFO only
}

// envelope is a message as stored in its queue's stream.
type envelope struct {
	ID        string                      `json:"id"`
	Body      string                      `json:"body"`
	Attrs     map[string]MessageAttribute `json:"attrs,omitempty"`
	MD5Attrs  string                      `json:"md5Attrs,omitempty"`
	SentAt    int64                       `json:"sentAt"` // Unix milliseconds
	Sender    string                      `json:"sender"`
	Group     string                      `json:"group,omitempty"`
	Dedup     string                      `json:"dedup,omitempty"`
	Trace     string                      `json:"trace,omitempty"`
	DLQSource string                      `json:"dlqSource,omitempty"`
	// Seq is the FIFO SequenceNumber it was first given.
	Seq uint64 `json:"seq,omitempty"`
}

// SendToARN sends m to the queue an ARN names: the door other services
// (SNS, S3 notifications, EventBridge targets, Lambda destinations) deliver
// through. It returns the message id.
func (s *Service) SendToARN(ctx context.Context, queueARN string, m Message) (string, error) {
	name, ok := s.nameOfARN(queueARN)
	if !ok {
		return "", errNoQueue()
	}
	sent, err := s.Send(ctx, name, m)
	if err != nil {
		return "", err
	}
	return sent.MessageID, nil
}

// Send checks and stores one message.
func (s *Service) Send(ctx context.Context, name string, m Message) (Sent, error) {
	q, err := s.Get(ctx, name)
	if err != nil {
		return Sent{}, err
	}
	if err := CheckMessage(q, m); err != nil {
		return Sent{}, err
	}
	return s.store(ctx, q, m, "")
}

// CheckMessage validates a message for queue q as SendMessage does.
func CheckMessage(q Queue, m Message) error {
	if err := checkBody(m.Body); err != nil {
		return err
	}
	if err := checkAttributes(m.Attributes); err != nil {
		return err
	}
	if size := MessageSize(m); size > q.MaximumMessageSize() {
		return invalidParam("One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", q.MaximumMessageSize())
	}
	if m.DelaySeconds != nil && (*m.DelaySeconds < 0 || *m.DelaySeconds > 900) {
		return invalidParam("Value %d for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.", *m.DelaySeconds)
	}
	if !q.FIFO {
		if m.DeduplicationID != "" {
			return invalidParam("Value %s for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.", m.DeduplicationID)
		}
		if m.MessageGroupID != "" {
			return checkFIFOID("MessageGroupId", m.MessageGroupID)
		}
		return nil
	}
	if m.DelaySeconds != nil && *m.DelaySeconds != 0 {
		return invalidParam("Value %d for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.", *m.DelaySeconds)
	}
	if m.MessageGroupID == "" {
		return MissingParameter("MessageGroupId")
	}
	if err := checkFIFOID("MessageGroupId", m.MessageGroupID); err != nil {
		return err
	}
	if m.DeduplicationID == "" && !q.contentDedup() {
		return invalidParam("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	}
	if m.DeduplicationID != "" {
		return checkFIFOID("MessageDeduplicationId", m.DeduplicationID)
	}
	return nil
}

var fifoID = regexp.MustCompile(`^[!-~]{1,128}$`)

func checkFIFOID(param, v string) error {
	if !fifoID.MatchString(v) {
		return invalidParam("Value %s for parameter %s is invalid. Reason: %s can only include alphanumeric and punctuation characters. 1 to 128 in length.", v, param, param)
	}
	return nil
}

// checkBody applies SQS's character rules (XML 1.0's characters).
func checkBody(body string) error {
	if body == "" {
		return MissingParameter("MessageBody")
	}
	if !utf8.ValidString(body) {
		return sqsErr(CodeInvalidContents, "Invalid binary character was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")
	}
	for _, r := range body {
		if !allowedRune(r) {
			return sqsErr(CodeInvalidContents, "Invalid binary character '#x%X' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF", r)
		}
	}
	return nil
}

func allowedRune(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

var attrName = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,256}$`)

// checkAttributes applies SQS's rules to message attributes.
func checkAttributes(attrs map[string]MessageAttribute) error {
	if len(attrs) > 10 {
		return invalidParam("Number of message attributes [%d] exceeds the allowed maximum [10].", len(attrs))
	}
	for _, name := range sortedKeys(attrs) {
		a := attrs[name]
		lower := strings.ToLower(name)
		switch {
		case !attrName.MatchString(name), strings.HasPrefix(name, "."), strings.HasSuffix(name, "."), strings.Contains(name, ".."):
			return invalidParam("Message (user) attribute name '%s' is invalid. Message attribute names can only contain alphanumeric characters, hyphens, underscores and periods and may not start or end with a period or contain consecutive periods.", name)
		case strings.HasPrefix(lower, "aws.") || strings.HasPrefix(lower, "amazon."):
			return invalidParam("Message (user) attribute name '%s' is reserved for use by SQS.", name)
		}
		if a.DataType == "" {
			return invalidParam("The message attribute '%s' must contain non-empty message attribute type.", name)
		}
		base, _, _ := strings.Cut(a.DataType, ".")
		if len(a.DataType) > 256 || (base != "String" && base != "Number" && base != "Binary") {
			return invalidParam("The type of message (user) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String.", name)
		}
		switch base {
		case "Binary":
			if len(a.BinaryValue) == 0 {
				return invalidParam("The message attribute '%s' with type 'Binary' must use field 'Binary'.", name)
			}
		default:
			if a.StringValue == "" {
				return invalidParam("The message attribute '%s' with type '%s' must use field 'String'.", name, base)
			}
			if base == "Number" && !isNumber(a.StringValue) {
				return invalidParam("Can't cast the value of message (user) attribute '%s' to a number.", name)
			}
			if err := checkBody(a.StringValue); err != nil {
				return invalidParam("Message (user) attribute '%s' contains invalid characters.", name)
			}
		}
	}
	return nil
}

var number = regexp.MustCompile(`^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$`)

func isNumber(s string) bool { return number.MatchString(s) && len(s) <= 40 }

// MessageSize is what SQS counts against MaximumMessageSize: the body and
// every attribute's name, type and value.
func MessageSize(m Message) int {
	n := len(m.Body)
	for name, a := range m.Attributes {
		n += len(name) + len(a.DataType) + len(a.StringValue) + len(a.BinaryValue)
	}
	return n
}

// MD5OfBody is the hex MD5 of the body.
func MD5OfBody(body string) string {
	h := md5.Sum([]byte(body))
	return hex.EncodeToString(h[:])
}

// MD5OfAttributes is SQS's digest of message attributes (names sorted;
// each name, type and value length-prefixed, with a transport byte).
func MD5OfAttributes(attrs map[string]MessageAttribute) string {
	if len(attrs) == 0 {
		return ""
	}
	h := md5.New()
	put := func(b []byte) {
		var l [4]byte
		binary.BigEndian.PutUint32(l[:], uint32(len(b)))
		h.Write(l[:])
		h.Write(b)
	}
	for _, name := range sortedKeys(attrs) {
		a := attrs[name]
		put([]byte(name))
		put([]byte(a.DataType))
		if strings.HasPrefix(a.DataType, "Binary") {
			h.Write([]byte{2})
			put(a.BinaryValue)
		} else {
			h.Write([]byte{1})
			put([]byte(a.StringValue))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// store writes a checked message into q.
func (s *Service) store(ctx context.Context, q Queue, m Message, dlqSource string) (Sent, error) {
	oq, err := s.lease(ctx, q)
	if err != nil {
		return Sent{}, err
	}
	env := envelope{
		ID: ids.UUID(), Body: m.Body, Attrs: m.Attributes, MD5Attrs: MD5OfAttributes(m.Attributes),
		SentAt: time.Now().UnixMilli(), Sender: m.SenderID, Group: m.MessageGroupID, Dedup: m.DeduplicationID,
		Trace: m.TraceHeader, DLQSource: dlqSource,
	}
	if env.Sender == "" {
		env.Sender = s.account
	}
	return s.publish(ctx, q, oq, env, m.DelaySeconds)
}

func (s *Service) publish(ctx context.Context, q Queue, oq *openQueue, env envelope, delay *int) (Sent, error) {
	key := "r"
	pub := store.Publication{}
	if q.FIFO {
		key = groupKey(env.Group)
		if env.Dedup == "" {
			h := sha256.Sum256([]byte(env.Body))
			env.Dedup = hex.EncodeToString(h[:])
		}
		pub.ID = env.Dedup
		if q.Attributes["DeduplicationScope"] == "messageGroup" {
			pub.ID = env.Group + "\x00" + env.Dedup
		}
	}
	d := q.DelaySeconds()
	if delay != nil {
		d = *delay
	}
	data, err := json.Marshal(env)
	if err != nil {
		return Sent{}, fmt.Errorf("encoding message: %w", err)
	}
	pub.Key, pub.Data = key, data
	if d > 0 {
		pub.Key, pub.Target, pub.At = "d."+strings.ReplaceAll(env.ID, "-", ""), key, time.Now().Add(time.Duration(d)*time.Second)
	}
	seq, dup, err := oq.ls.Publish(ctx, pub)
	if err != nil {
		return Sent{}, fmt.Errorf("sending to %s: %w", q.Name, err)
	}
	if dup {
		if m, err := oq.ls.Get(ctx, seq); err == nil {
			var first envelope
			if json.Unmarshal(m.Data, &first) == nil {
				env.ID = first.ID
			}
		}
	}
	sent := Sent{MessageID: env.ID, MD5OfBody: MD5OfBody(env.Body), MD5OfAttributes: env.MD5Attrs}
	if q.FIFO {
		sent.SequenceNumber = fmt.Sprintf("%020d", seq)
	}
	return sent, nil
}
