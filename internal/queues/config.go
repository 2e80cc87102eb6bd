package queues

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Queue is one queue's stored configuration.
type Queue struct {
	Name string `json:"name"`
	// Stream is the lease stream holding its messages; a queue created
	// again after a delete gets a new one.
	Stream   string `json:"stream"`
	FIFO     bool   `json:"fifo"`
	Created  int64  `json:"created"`  // Unix seconds
	Modified int64  `json:"modified"` // Unix seconds
	// Attributes are the settable attributes, every one present with its
	// value as SQS reports it.
	Attributes map[string]string `json:"attributes"`
	Tags       map[string]string `json:"tags,omitempty"`
}

// RedrivePolicy is a queue's RedrivePolicy attribute.
type RedrivePolicy struct {
	DeadLetterTargetArn string `json:"deadLetterTargetArn"`
	MaxReceiveCount     int    `json:"maxReceiveCount"`
}

// Redrive reads the queue's RedrivePolicy; ok is false when it has none.
func (q Queue) Redrive() (RedrivePolicy, bool) {
	s := q.Attributes["RedrivePolicy"]
	if s == "" {
		return RedrivePolicy{}, false
	}
	var p RedrivePolicy
	if err := json.Unmarshal([]byte(s), &p); err != nil || p.DeadLetterTargetArn == "" {
		return RedrivePolicy{}, false
	}
	return p, true
}

func (q Queue) intAttr(name string) int {
	n, _ := strconv.Atoi(q.Attributes[name])
	return n
}

// VisibilityTimeout is the queue's default, in seconds.
func (q Queue) VisibilityTimeout() int { return q.intAttr("VisibilityTimeout") }

// DelaySeconds is the queue's default delay.
func (q Queue) DelaySeconds() int { return q.intAttr("DelaySeconds") }

// MaximumMessageSize in bytes.
func (q Queue) MaximumMessageSize() int { return q.intAttr("MaximumMessageSize") }

// RetentionSeconds is MessageRetentionPeriod.
func (q Queue) RetentionSeconds() int { return q.intAttr("MessageRetentionPeriod") }

// WaitTimeSeconds is ReceiveMessageWaitTimeSeconds.
func (q Queue) WaitTimeSeconds() int { return q.intAttr("ReceiveMessageWaitTimeSeconds") }

func (q Queue) contentDedup() bool { return q.Attributes["ContentBasedDeduplication"] == "true" }

// MaxMessageBytes is AWS's largest message (256 KiB).
const MaxMessageBytes = 262144

// intRange is a numeric attribute's range.
type intRange struct{ min, max, def int }

var intAttributes = map[string]intRange{
	"DelaySeconds":                  {0, 900, 0},
	"MaximumMessageSize":            {1024, MaxMessageBytes, MaxMessageBytes},
	"MessageRetentionPeriod":        {60, 1209600, 345600},
	"ReceiveMessageWaitTimeSeconds": {0, 20, 0},
	"VisibilityTimeout":             {0, 43200, 30},
	"KmsDataKeyReusePeriodSeconds":  {60, 86400, 300},
}

// readOnly are attributes GetQueueAttributes reports and nobody sets.
var readOnly = []string{
	"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
	"CreatedTimestamp", "LastModifiedTimestamp", "QueueArn",
}

var settable = []string{
	"DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "Policy", "ReceiveMessageWaitTimeSeconds",
	"VisibilityTimeout", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
	"SqsManagedSseEnabled", "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
}

var fifoOnly = []string{"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}

var validName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,80}$`)

// checkName validates a queue name for a queue of the given kind.
func checkName(name string, fifo bool) error {
	if fifo {
		base, ok := strings.CutSuffix(name, ".fifo")
		if !ok || len(name) > 80 || !validName.MatchString(base) {
			return invalidParam("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
		}
		return nil
	}
	if !validName.MatchString(name) {
		return invalidParam("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	return nil
}

// defaults are the settable attributes of a new queue.
func defaults(fifo bool) map[string]string {
	a := map[string]string{"SqsManagedSseEnabled": "true", "Policy": "", "RedrivePolicy": "", "RedriveAllowPolicy": ""}
	for name, r := range intAttributes {
		if name != "KmsDataKeyReusePeriodSeconds" {
			a[name] = strconv.Itoa(r.def)
		}
	}
	if fifo {
		a["FifoQueue"] = "true"
		a["ContentBasedDeduplication"] = "false"
		a["DeduplicationScope"] = "queue"
		a["FifoThroughputLimit"] = "perQueue"
	}
	return a
}

// applyAttributes checks attrs and writes them into a (the queue's
// current attributes). creating allows FifoQueue. Nothing is written when
// any attribute is invalid.
func (s *Service) applyAttributes(a map[string]string, attrs map[string]string, fifo, creating bool) error {
	for _, name := range sortedKeys(attrs) {
		v := attrs[name]
		if !slices.Contains(settable, name) {
			if slices.Contains(readOnly, name) {
				return sqsErr(CodeInvalidAttributeName, "Unknown Attribute %s.", name)
			}
			return sqsErr(CodeInvalidAttributeName, "Unknown Attribute %s.", name)
		}
		if slices.Contains(fifoOnly, name) && !fifo {
			if name == "FifoQueue" && v == "false" && creating {
				continue
			}
			return sqsErr(CodeInvalidAttributeName, "Unknown Attribute %s.", name)
		}
		if r, ok := intAttributes[name]; ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < r.min || n > r.max {
				return sqsErr(CodeInvalidAttribute, "Invalid value for the parameter %s.", name)
			}
			continue
		}
		switch name {
		case "FifoQueue":
			if !creating {
				return sqsErr(CodeInvalidAttributeName, "Invalid attribute name. FifoQueue can only be set at queue creation.")
			}
			if v != "true" {
				return sqsErr(CodeInvalidAttribute, "Invalid value for the parameter FifoQueue.")
			}
		case "ContentBasedDeduplication", "SqsManagedSseEnabled":
			if v != "true" && v != "false" {
				return sqsErr(CodeInvalidAttribute, "Invalid value for the parameter %s.", name)
			}
		case "DeduplicationScope":
			if v != "queue" && v != "messageGroup" {
				return sqsErr(CodeInvalidAttribute, "Invalid value for the parameter DeduplicationScope.")
			}
		case "FifoThroughputLimit":
			if v != "perQueue" && v != "perMessageGroupId" {
				return sqsErr(CodeInvalidAttribute, "Invalid value for the parameter FifoThroughputLimit.")
			}
		case "Policy", "RedriveAllowPolicy":
			if v != "" && !json.Valid([]byte(v)) {
				return sqsErr(CodeInvalidAttribute, "Invalid value for the parameter %s. Reason: failed to parse JSON.", name)
			}
		case "RedrivePolicy":
			if err := s.checkRedrive(v, fifo); err != nil {
				return err
			}
		}
	}
	for name, v := range attrs {
		if name == "FifoQueue" && !fifo {
			continue
		}
		if name == "RedrivePolicy" && v != "" {
			v = normalRedrive(v)
		}
		a[name] = v
	}
	return nil
}

func (s *Service) checkRedrive(v string, fifo bool) error {
	if v == "" {
		return nil
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(v), &raw); err != nil {
		return sqsErr(CodeInvalidAttribute, "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.")
	}
	arn, _ := raw["deadLetterTargetArn"].(string)
	if arn == "" {
		return sqsErr(CodeInvalidAttribute, "Value %s for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain mandatory attribute: deadLetterTargetArn.", v)
	}
	var count int
	switch c := raw["maxReceiveCount"].(type) {
	case float64:
		count = int(c)
	case string:
		count, _ = strconv.Atoi(c)
	default:
		return sqsErr(CodeInvalidAttribute, "Value %s for parameter RedrivePolicy is invalid. Reason: Redrive policy does not contain mandatory attribute: maxReceiveCount.", v)
	}
	if count < 1 || count > 1000 {
		return sqsErr(CodeInvalidAttribute, "Value %s for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: %d, valid values are from 1 to 1000 both inclusive.", v, count)
	}
	name, ok := s.nameOfARN(arn)
	if !ok || strings.HasSuffix(name, ".fifo") != fifo {
		return sqsErr(CodeInvalidAttribute, "Value %s for parameter RedrivePolicy is invalid. Reason: Dead-letter target must be of the same type (standard or FIFO) as the source queue.", v)
	}
	return nil
}

// normalRedrive writes a RedrivePolicy as SQS reports it (a numeric
// maxReceiveCount).
func normalRedrive(v string) string {
	var raw map[string]any
	_ = json.Unmarshal([]byte(v), &raw)
	p := RedrivePolicy{}
	p.DeadLetterTargetArn, _ = raw["deadLetterTargetArn"].(string)
	switch c := raw["maxReceiveCount"].(type) {
	case float64:
		p.MaxReceiveCount = int(c)
	case string:
		p.MaxReceiveCount, _ = strconv.Atoi(c)
	}
	b, _ := json.Marshal(p)
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ARN of a queue.
func (s *Service) ARN(name string) string {
	return fmt.Sprintf("arn:aws:sqs:%s:%s:%s", s.region, s.account, name)
}

// NameOfARN returns the queue name an ARN of this region and account
// names.
func (s *Service) NameOfARN(arn string) (string, bool) { return s.nameOfARN(arn) }

func (s *Service) nameOfARN(arn string) (string, bool) {
	name, ok := strings.CutPrefix(arn, fmt.Sprintf("arn:aws:sqs:%s:%s:", s.region, s.account))
	if !ok || name == "" {
		return "", false
	}
	return name, true
}
