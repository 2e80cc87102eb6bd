package sqs

import (
	"context"
	"encoding/base64"
	"strconv"

	"gust/internal/api/awsquery"
	"gust/internal/queues"
)

type listQueuesInput struct {
	QueueNamePrefix string `json:"QueueNamePrefix"`
	NextToken       string `json:"NextToken"`
	MaxResults      *int   `json:"MaxResults"`
}

type listQueuesOutput struct {
	QueueUrls []string `json:"QueueUrls,omitempty"`
	NextToken string   `json:"NextToken,omitempty"`
}

func listQueuesQuery(p awsquery.Params) (*listQueuesInput, error) {
	in := &listQueuesInput{QueueNamePrefix: p.Get("QueueNamePrefix"), NextToken: p.Get("NextToken")}
	var err error
	in.MaxResults, err = optionalInt(p, "MaxResults")
	return in, err
}

func listQueuesXML(o *listQueuesOutput) any {
	return struct {
		QueueUrls []string `xml:"QueueUrl"`
		NextToken string   `xml:"NextToken,omitempty"`
	}{o.QueueUrls, o.NextToken}
}

func (a *API) listQueues(ctx context.Context, in *listQueuesInput) (*listQueuesOutput, error) {
	if err := a.authorize(ctx, "ListQueues", ""); err != nil {
		return nil, err
	}
	names, err := a.q.List(ctx, in.QueueNamePrefix)
	if err != nil {
		return nil, err
	}
	urls, next, err := page(names, in.NextToken, in.MaxResults, func(n string) string { return a.queueURL(ctx, n) })
	if err != nil {
		return nil, err
	}
	return &listQueuesOutput{QueueUrls: urls, NextToken: next}, nil
}

// page cuts a sorted list of names after the token's name, up to max (1 to
// 1000); without max it returns up to 1000 and no token.
func page(names []string, token string, max *int, render func(string) string) ([]string, string, error) {
	limit := 1000
	if max != nil {
		if *max < 1 || *max > 1000 {
			return nil, "", queues.InvalidParameter("Value %d for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.", *max)
		}
		limit = *max
	}
	after := ""
	if token != "" {
		b, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, "", queues.InvalidParameter("Invalid NextToken value.")
		}
		after = string(b)
	}
	var out []string
	more := false
	for _, n := range names {
		if after != "" && n <= after {
			continue
		}
		if len(out) == limit {
			more = true
			break
		}
		out = append(out, n)
	}
	next := ""
	if more && max != nil {
		next = base64.RawURLEncoding.EncodeToString([]byte(out[len(out)-1]))
	}
	rendered := make([]string, len(out))
	for i, n := range out {
		rendered[i] = render(n)
	}
	return rendered, next, nil
}

// optionalInt reads an integer parameter; absent is nil.
func optionalInt(p awsquery.Params, name string) (*int, error) {
	if !p.Has(name) {
		return nil, nil
	}
	n, err := strconv.Atoi(p.Get(name))
	if err != nil {
		return nil, queues.InvalidParameter("Value %s for parameter %s is invalid. Reason: must be an integer.", p.Get(name), name)
	}
	return &n, nil
}
