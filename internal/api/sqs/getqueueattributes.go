package sqs

import (
	"context"

	"gust/internal/api/awsquery"
)

type getQueueAttributesInput struct {
	queueRef
	AttributeNames []string `json:"AttributeNames"`
}

type getQueueAttributesOutput struct {
	Attributes map[string]string `json:"Attributes,omitempty"`
}

func getQueueAttributesQuery(p awsquery.Params) (*getQueueAttributesInput, error) {
	in := &getQueueAttributesInput{AttributeNames: p.List("AttributeName")}
	in.setQueueURL(p.Get("QueueUrl"))
	return in, nil
}

func getQueueAttributesXML(o *getQueueAttributesOutput) any {
	return struct {
		Attributes []nameValue `xml:"Attribute"`
	}{nameValues(o.Attributes)}
}

func (a *API) getQueueAttributes(ctx context.Context, in *getQueueAttributesInput) (*getQueueAttributesOutput, error) {
	name, err := a.target(ctx, in.QueueUrl, "GetQueueAttributes")
	if err != nil {
		return nil, err
	}
	attrs, err := a.q.Attributes(ctx, name, in.AttributeNames)
	if err != nil {
		return nil, err
	}
	return &getQueueAttributesOutput{Attributes: attrs}, nil
}

// nameValue is a flattened map entry of the query protocol.
type nameValue struct {
	Name  string `xml:"Name"`
	Value string `xml:"Value"`
}

func nameValues(m map[string]string) []nameValue {
	out := make([]nameValue, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, nameValue{k, m[k]})
	}
	return out
}
