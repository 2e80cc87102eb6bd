package topics

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gust/internal/apierror"
	"gust/internal/ids"
)

// MaxMessageBytes is SNS's limit on a message with its attributes.
const MaxMessageBytes = 256 * 1024

// Attribute is a message attribute as SNS delivers it: Binary values are
// base64.
type Attribute struct {
	Type  string
	Value string
}

// Message is one accepted publish.
type Message struct {
	ID       string
	TopicARN string
	Subject  string `json:",omitempty"`
	Body     string
	// Structure holds the per-protocol bodies of a MessageStructure=json
	// publish ("default" included).
	Structure  map[string]string    `json:",omitempty"`
	Attributes map[string]Attribute `json:",omitempty"`
	GroupID    string               `json:",omitempty"`
	DedupID    string               `json:",omitempty"`
	Sequence   string               `json:",omitempty"`
	Timestamp  time.Time
}

// bodyFor is the body a protocol receives.
func (m *Message) bodyFor(protocol string) string {
	if m.Structure != nil {
		if b, ok := m.Structure[protocol]; ok {
			return b
		}
		return m.Structure["default"]
	}
	return m.Body
}

// Publication is what Publish is asked to send.
type Publication struct {
	Message    string
	Subject    *string
	Structure  string
	Attributes map[string]AttributeInput
	GroupID    string
	DedupID    string
}

// AttributeInput is a message attribute as a client sends it.
type AttributeInput struct {
	DataType    string
	StringValue *string
	BinaryValue []byte
}

// Published is a publish's result.
type Published struct {
	MessageID string
	Sequence  string
}

// Publish accepts a message for every subscription of a topic: once it
// returns, the message is stored durably and will be delivered.
func (s *Service) Publish(ctx context.Context, topicARN string, p Publication) (Published, error) {
	name, err := s.topicName(topicARN)
	if err != nil {
		return Published{}, err
	}
	t, _, err := s.get(ctx, name)
	if err != nil {
		return Published{}, err
	}
	m, err := s.message(&t, p)
	if err != nil {
		return Published{}, err
	}
	if err := s.accept(ctx, &t, m); err != nil {
		return Published{}, err
	}
	return Published{MessageID: m.ID, Sequence: m.Sequence}, nil
}

func (s *Service) accept(ctx context.Context, t *Topic, m *Message) error {
	if err := s.enqueue(ctx, job{Kind: kindFanout, Topic: t.Name, Msg: *m}, t.FIFO()); err != nil {
		return err
	}
	s.o.Observer.Count(t.Name, "published")
	return nil
}

// BatchEntry is one entry of PublishBatch.
type BatchEntry struct {
	ID string
	Publication
}

// BatchFailure is an entry PublishBatch refused.
type BatchFailure struct {
	ID, Code, Message string
	SenderFault       bool
}

// BatchResult is one accepted entry.
type BatchResult struct {
	ID string
	Published
}

var batchIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// PublishBatch publishes up to ten messages; entries that fail validation
// are reported, the rest are accepted.
func (s *Service) PublishBatch(ctx context.Context, topicARN string, entries []BatchEntry) ([]BatchResult, []BatchFailure, error) {
	name, err := s.topicName(topicARN)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case len(entries) == 0:
		return nil, nil, apierror.New("EmptyBatchRequest", "The batch request doesn't contain any entries.").WithStatus(http.StatusBadRequest)
	case len(entries) > 10:
		return nil, nil, apierror.New("TooManyEntriesInBatchRequest", "The batch request contains more entries than permissible.").WithStatus(http.StatusBadRequest)
	}
	seen := map[string]bool{}
	total := 0
	for _, e := range entries {
		if seen[e.ID] {
			return nil, nil, apierror.New("BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.").WithStatus(http.StatusBadRequest)
		}
		seen[e.ID] = true
		if !batchIDPattern.MatchString(e.ID) {
			return nil, nil, apierror.New("InvalidBatchEntryId", "The Id of a batch entry in a batch request doesn't abide by the specification.").WithStatus(http.StatusBadRequest)
		}
		total += messageSize(e.Publication)
	}
	if total > MaxMessageBytes {
		return nil, nil, apierror.New("BatchRequestTooLong", "The length of all the messages put together is more than the limit.").WithStatus(http.StatusBadRequest)
	}
	t, _, err := s.get(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	var ok []BatchResult
	var failed []BatchFailure
	for _, e := range entries {
		m, err := s.message(&t, e.Publication)
		if err == nil {
			err = s.accept(ctx, &t, m)
		}
		var ae *apierror.Error
		if errors.As(err, &ae) && ae.Status() < 500 {
			failed = append(failed, BatchFailure{ID: e.ID, Code: ae.Type, Message: ae.Message, SenderFault: true})
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		ok = append(ok, BatchResult{ID: e.ID, Published: Published{MessageID: m.ID, Sequence: m.Sequence}})
	}
	return ok, failed, nil
}

func messageSize(p Publication) int {
	n := len(p.Message)
	for k, a := range p.Attributes {
		n += len(k) + len(a.DataType) + len(a.BinaryValue)
		if a.StringValue != nil {
			n += len(*a.StringValue)
		}
	}
	return n
}

var attrNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// message validates a publication for topic t.
func (s *Service) message(t *Topic, p Publication) (*Message, error) {
	if p.Message == "" {
		return nil, invalid("Invalid parameter: Empty message")
	}
	if p.Subject != nil {
		subj := *p.Subject
		if subj == "" || len(subj) > 100 || strings.ContainsAny(subj, "\r\n") || !isASCII(subj) {
			return nil, invalid("Invalid parameter: Subject")
		}
	}
	if messageSize(p) > MaxMessageBytes {
		return nil, invalid("Invalid parameter: Message too long")
	}
	m := &Message{ID: ids.UUID(), TopicARN: s.TopicARN(t.Name), Body: p.Message, Timestamp: s.o.Now().UTC()}
	if p.Subject != nil {
		m.Subject = *p.Subject
	}
	switch p.Structure {
	case "":
	case "json":
		var doc map[string]any
		if err := json.Unmarshal([]byte(p.Message), &doc); err != nil {
			return nil, invalid("Invalid parameter: Message Structure - JSON message body failed to parse")
		}
		m.Structure = map[string]string{}
		for k, v := range doc {
			if str, ok := v.(string); ok {
				m.Structure[k] = str
			}
		}
		if _, ok := m.Structure["default"]; !ok {
			return nil, invalid("Invalid parameter: Message Structure - No default entry in JSON message body")
		}
	default:
		return nil, invalid("Invalid parameter: MessageStructure")
	}
	if len(p.Attributes) > 10 {
		return nil, invalidValue("Number of message attributes [%d] exceeds the allowed maximum [10].", len(p.Attributes))
	}
	for name, a := range p.Attributes {
		attr, err := checkAttribute(name, a)
		if err != nil {
			return nil, err
		}
		if m.Attributes == nil {
			m.Attributes = map[string]Attribute{}
		}
		m.Attributes[name] = attr
	}
	if t.FIFO() {
		if p.GroupID == "" {
			return nil, invalid("Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
		}
		m.GroupID, m.DedupID = p.GroupID, p.DedupID
		if m.DedupID == "" {
			if t.Attributes["ContentBasedDeduplication"] != "true" {
				return nil, invalid("Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
			}
			sum := sha256.Sum256([]byte(p.Message))
			m.DedupID = hex.EncodeToString(sum[:])
		}
		m.Sequence = s.nextSequence()
	} else if p.DedupID != "" {
		return nil, invalid("Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type")
	} else if p.GroupID != "" {
		return nil, invalid("Invalid parameter: MessageGroupId Reason: The request includes MessageGroupId parameter that is not valid for this topic type")
	}
	return m, nil
}

func checkAttribute(name string, a AttributeInput) (Attribute, error) {
	switch {
	case len(name) > 256:
		return Attribute{}, invalidValue("Length of message attribute name must be less than 256 bytes.")
	case strings.HasPrefix(name, "."):
		return Attribute{}, invalidValue("Invalid message attribute name starting with character '.' was found.")
	case strings.HasSuffix(name, "."):
		return Attribute{}, invalidValue("Invalid message attribute name ending with character '.' was found.")
	case strings.Contains(name, ".."):
		return Attribute{}, invalidValue("Message attribute name can not have successive '.' character.")
	case !attrNamePattern.MatchString(name):
		for _, r := range name {
			if !attrNamePattern.MatchString(string(r)) {
				return Attribute{}, invalidValue("Invalid non-alphanumeric character '#x%X' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.", r)
			}
		}
	}
	base, _, _ := strings.Cut(a.DataType, ".")
	if base != "String" && base != "Number" && base != "Binary" {
		return Attribute{}, invalidValue("The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
	}
	if base == "Binary" {
		if a.BinaryValue == nil {
			return Attribute{}, invalidValue("The message attribute '%s' with type '%s' must use field 'Binary'.", name, a.DataType)
		}
		if len(a.BinaryValue) == 0 {
			return Attribute{}, invalidValue("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, a.DataType)
		}
		return Attribute{Type: a.DataType, Value: encodeBase64(a.BinaryValue)}, nil
	}
	if a.StringValue == nil {
		return Attribute{}, invalidValue("The message attribute '%s' with type '%s' must use field 'String'.", name, a.DataType)
	}
	v := *a.StringValue
	if v == "" {
		return Attribute{}, invalidValue("The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, a.DataType)
	}
	if base == "Number" {
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return Attribute{}, invalidValue("Could not cast message attribute '%s' value to number.", name)
		}
	}
	if a.DataType == "String.Array" {
		var arr []any
		if json.Unmarshal([]byte(v), &arr) != nil {
			return Attribute{}, invalidValue("The message attribute '%s' has an invalid value of type String.Array.", name)
		}
	}
	return Attribute{Type: a.DataType, Value: v}, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// nextSequence is a FIFO message's 20-digit sequence number, increasing.
func (s *Service) nextSequence() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := uint64(s.o.Now().UnixNano())
	if n <= s.fifoSeq {
		n = s.fifoSeq + 1
	}
	s.fifoSeq = n
	return fmt.Sprintf("%020d", n)
}
