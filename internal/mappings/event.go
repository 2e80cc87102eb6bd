package mappings

import (
	"encoding/json"

	"gust/internal/queues"
)

// sqsRecord is one record of Lambda's SQS event.
type sqsRecord struct {
	MessageID         string                  `json:"messageId"`
	ReceiptHandle     string                  `json:"receiptHandle"`
	Body              string                  `json:"body"`
	Attributes        map[string]string       `json:"attributes"`
	MessageAttributes map[string]sqsAttribute `json:"messageAttributes"`
	MD5OfMessageAttrs string                  `json:"md5OfMessageAttributes,omitempty"`
	MD5OfBody         string                  `json:"md5OfBody"`
	EventSource       string                  `json:"eventSource"`
	EventSourceARN    string                  `json:"eventSourceARN"`
	AWSRegion         string                  `json:"awsRegion"`
}

type sqsAttribute struct {
	StringValue      *string  `json:"stringValue,omitempty"`
	BinaryValue      []byte   `json:"binaryValue,omitempty"`
	StringListValues []string `json:"stringListValues"`
	BinaryListValues []string `json:"binaryListValues"`
	DataType         string   `json:"dataType"`
}

// systemAttributes are the attributes Lambda's SQS records carry.
var systemAttributes = []string{
	"ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp",
	"SequenceNumber", "MessageGroupId", "MessageDeduplicationId", "AWSTraceHeader", "DeadLetterQueueSourceArn",
}

func (s *Service) record(m Mapping, r queues.Received) sqsRecord {
	rec := sqsRecord{
		MessageID: r.MessageID, ReceiptHandle: r.ReceiptHandle, Body: r.Body, Attributes: map[string]string{},
		MessageAttributes: map[string]sqsAttribute{}, MD5OfMessageAttrs: r.MD5OfAttrs, MD5OfBody: r.MD5OfBody,
		EventSource: "aws:sqs", EventSourceARN: m.EventSourceARN, AWSRegion: s.region,
	}
	for _, k := range systemAttributes {
		if v, ok := r.System[k]; ok && k != "DeadLetterQueueSourceArn" {
			rec.Attributes[k] = v
		}
	}
	for name, a := range r.Attributes {
		v := sqsAttribute{DataType: a.DataType, StringListValues: []string{}, BinaryListValues: []string{}}
		if len(a.BinaryValue) > 0 {
			v.BinaryValue = a.BinaryValue
		} else {
			sv := a.StringValue
			v.StringValue = &sv
		}
		rec.MessageAttributes[name] = v
	}
	return rec
}

// event is Lambda's SQS event for a batch.
func event(records []sqsRecord) ([]byte, error) {
	return json.Marshal(struct {
		Records []sqsRecord `json:"Records"`
	}{records})
}

// batchResponse is a partial batch response.
type batchResponse struct {
	BatchItemFailures []map[string]any `json:"batchItemFailures"`
}

// failedItems reads a function's response: the message ids to keep, and
// whether the whole batch counts as failed (an invalid response).
func failedItems(payload []byte, ids map[string]bool) (map[string]bool, bool) {
	trimmed := string(payload)
	if trimmed == "" || trimmed == "null" {
		return nil, false
	}
	var resp batchResponse
	if err := json.Unmarshal(payload, &resp); err != nil {
		// A response that is not an object (a string, a number) is no
		// partial response: the batch succeeded.
		var v any
		if json.Unmarshal(payload, &v) == nil {
			if _, isObject := v.(map[string]any); !isObject {
				return nil, false
			}
		}
		return nil, true
	}
	failed := map[string]bool{}
	for _, item := range resp.BatchItemFailures {
		id, ok := item["itemIdentifier"].(string)
		if !ok || id == "" || !ids[id] {
			return nil, true
		}
		failed[id] = true
	}
	return failed, false
}
