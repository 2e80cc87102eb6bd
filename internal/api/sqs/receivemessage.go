package sqs

import (
	"context"
	"slices"
	"strings"
	"time"

	"gust/internal/api/awsquery"
	"gust/internal/queues"
)

type receiveMessageInput struct {
	queueRef
	AttributeNames              []string `json:"AttributeNames"`
	MessageSystemAttributeNames []string `json:"MessageSystemAttributeNames"`
	MessageAttributeNames       []string `json:"MessageAttributeNames"`
	MaxNumberOfMessages         *int     `json:"MaxNumberOfMessages"`
	VisibilityTimeout           *int     `json:"VisibilityTimeout"`
	WaitTimeSeconds             *int     `json:"WaitTimeSeconds"`
	ReceiveRequestAttemptId     string   `json:"ReceiveRequestAttemptId"`
}

type message struct {
	MessageId              string                    `json:"MessageId"`
	ReceiptHandle          string                    `json:"ReceiptHandle"`
	MD5OfBody              string                    `json:"MD5OfBody"`
	Body                   string                    `json:"Body"`
	Attributes             map[string]string         `json:"Attributes,omitempty"`
	MD5OfMessageAttributes string                    `json:"MD5OfMessageAttributes,omitempty"`
	MessageAttributes      map[string]attributeValue `json:"MessageAttributes,omitempty"`
}

type receiveMessageOutput struct {
	Messages []message `json:"Messages,omitempty"`
}

func receiveMessageQuery(p awsquery.Params) (*receiveMessageInput, error) {
	in := &receiveMessageInput{
		AttributeNames:              p.List("AttributeName"),
		MessageSystemAttributeNames: p.List("MessageSystemAttributeName"),
		MessageAttributeNames:       p.List("MessageAttributeName"),
		ReceiveRequestAttemptId:     p.Get("ReceiveRequestAttemptId"),
	}
	in.setQueueURL(p.Get("QueueUrl"))
	var err error
	for name, dst := range map[string]**int{"MaxNumberOfMessages": &in.MaxNumberOfMessages, "VisibilityTimeout": &in.VisibilityTimeout, "WaitTimeSeconds": &in.WaitTimeSeconds} {
		if *dst, err = optionalInt(p, name); err != nil {
			return nil, err
		}
	}
	return in, nil
}

func receiveMessageXML(o *receiveMessageOutput) any {
	type messageXML struct {
		MessageId              string         `xml:"MessageId"`
		ReceiptHandle          string         `xml:"ReceiptHandle"`
		MD5OfBody              string         `xml:"MD5OfBody"`
		Body                   string         `xml:"Body"`
		Attributes             []nameValue    `xml:"Attribute"`
		MD5OfMessageAttributes string         `xml:"MD5OfMessageAttributes,omitempty"`
		MessageAttributes      []attributeXML `xml:"MessageAttribute"`
	}
	out := struct {
		Messages []messageXML `xml:"Message"`
	}{}
	for _, m := range o.Messages {
		out.Messages = append(out.Messages, messageXML{
			MessageId: m.MessageId, ReceiptHandle: m.ReceiptHandle, MD5OfBody: m.MD5OfBody, Body: m.Body,
			Attributes: nameValues(m.Attributes), MD5OfMessageAttributes: m.MD5OfMessageAttributes, MessageAttributes: attributesXML(m.MessageAttributes),
		})
	}
	return out
}

func (a *API) receiveMessage(ctx context.Context, in *receiveMessageInput) (*receiveMessageOutput, error) {
	name, err := a.target(ctx, in.QueueUrl, "ReceiveMessage")
	if err != nil {
		return nil, err
	}
	o := queues.ReceiveOptions{Max: 1, Visibility: in.VisibilityTimeout}
	if in.MaxNumberOfMessages != nil {
		o.Max = *in.MaxNumberOfMessages
	}
	if in.WaitTimeSeconds != nil {
		w := time.Duration(*in.WaitTimeSeconds) * time.Second
		o.Wait = &w
	}
	got, err := a.q.Receive(ctx, name, o)
	if err != nil {
		return nil, err
	}
	system := append(slices.Clone(in.AttributeNames), in.MessageSystemAttributeNames...)
	out := &receiveMessageOutput{}
	for _, r := range got {
		m := message{MessageId: r.MessageID, ReceiptHandle: r.ReceiptHandle, MD5OfBody: r.MD5OfBody, Body: r.Body}
		for k, v := range r.System {
			if slices.Contains(system, "All") || slices.Contains(system, k) {
				if m.Attributes == nil {
					m.Attributes = map[string]string{}
				}
				m.Attributes[k] = v
			}
		}
		user := map[string]queues.MessageAttribute{}
		for k, v := range r.Attributes {
			if wantAttribute(in.MessageAttributeNames, k) {
				user[k] = v
			}
		}
		m.MessageAttributes = fromQueue(user)
		m.MD5OfMessageAttributes = queues.MD5OfAttributes(user)
		out.Messages = append(out.Messages, m)
	}
	return out, nil
}

// wantAttribute applies MessageAttributeNames: "All", ".*", "prefix.*" or
// a name.
func wantAttribute(names []string, name string) bool {
	for _, n := range names {
		if n == "All" || n == ".*" || n == name {
			return true
		}
		if prefix, ok := strings.CutSuffix(n, ".*"); ok && strings.HasPrefix(name, prefix+".") {
			return true
		}
	}
	return false
}
