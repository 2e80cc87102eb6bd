package sqs

import (
	"context"

	"gust/internal/api/awsquery"
	"gust/internal/queues"
)

type sendMessageInput struct {
	queueRef
	sendEntry
}

// sendEntry is one message of SendMessage or SendMessageBatch.
type sendEntry struct {
	MessageBody             string                    `json:"MessageBody"`
	DelaySeconds            *int                      `json:"DelaySeconds"`
	MessageAttributes       map[string]attributeValue `json:"MessageAttributes"`
	MessageSystemAttributes map[string]attributeValue `json:"MessageSystemAttributes"`
	MessageDeduplicationId  string                    `json:"MessageDeduplicationId"`
	MessageGroupId          string                    `json:"MessageGroupId"`
}

type sendMessageOutput struct {
	MD5OfMessageBody             string `json:"MD5OfMessageBody" xml:"MD5OfMessageBody"`
	MD5OfMessageAttributes       string `json:"MD5OfMessageAttributes,omitempty" xml:"MD5OfMessageAttributes,omitempty"`
	MD5OfMessageSystemAttributes string `json:"MD5OfMessageSystemAttributes,omitempty" xml:"MD5OfMessageSystemAttributes,omitempty"`
	MessageId                    string `json:"MessageId" xml:"MessageId"`
	SequenceNumber               string `json:"SequenceNumber,omitempty" xml:"SequenceNumber,omitempty"`
}

func sendEntryQuery(p awsquery.Params) (sendEntry, error) {
	e := sendEntry{MessageBody: p.Get("MessageBody"), MessageDeduplicationId: p.Get("MessageDeduplicationId"), MessageGroupId: p.Get("MessageGroupId")}
	var err error
	if e.DelaySeconds, err = optionalInt(p, "DelaySeconds"); err != nil {
		return e, err
	}
	if e.MessageAttributes, err = attributesQuery(p, "MessageAttribute"); err != nil {
		return e, err
	}
	e.MessageSystemAttributes, err = attributesQuery(p, "MessageSystemAttribute")
	return e, err
}

func sendMessageQuery(p awsquery.Params) (*sendMessageInput, error) {
	e, err := sendEntryQuery(p)
	if err != nil {
		return nil, err
	}
	in := &sendMessageInput{sendEntry: e}
	in.setQueueURL(p.Get("QueueUrl"))
	return in, nil
}

// message turns an entry into a queue message.
func (e sendEntry) message() (queues.Message, string, error) {
	attrs, err := toQueue(e.MessageAttributes)
	if err != nil {
		return queues.Message{}, "", err
	}
	trace, md5Sys, err := traceHeader(e.MessageSystemAttributes)
	if err != nil {
		return queues.Message{}, "", err
	}
	m := queues.Message{
		Body: e.MessageBody, Attributes: attrs, MessageGroupID: e.MessageGroupId, DeduplicationID: e.MessageDeduplicationId,
		DelaySeconds: e.DelaySeconds, TraceHeader: trace,
	}
	return m, md5Sys, nil
}

func (a *API) sendMessage(ctx context.Context, in *sendMessageInput) (*sendMessageOutput, error) {
	name, err := a.target(ctx, in.QueueUrl, "SendMessage")
	if err != nil {
		return nil, err
	}
	if in.MessageBody == "" {
		return nil, missing("MessageBody")
	}
	m, md5Sys, err := in.message()
	if err != nil {
		return nil, err
	}
	sent, err := a.q.Send(ctx, name, m)
	if err != nil {
		return nil, err
	}
	return &sendMessageOutput{MD5OfMessageBody: sent.MD5OfBody, MD5OfMessageAttributes: sent.MD5OfAttributes, MD5OfMessageSystemAttributes: md5Sys, MessageId: sent.MessageID, SequenceNumber: sent.SequenceNumber}, nil
}
