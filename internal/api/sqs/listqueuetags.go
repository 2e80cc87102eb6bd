package sqs

import "context"

type listQueueTagsInput struct{ queueRef }

type listQueueTagsOutput struct {
	Tags map[string]string `json:"Tags,omitempty"`
}

func listQueueTagsXML(o *listQueueTagsOutput) any {
	type tag struct {
		Key   string `xml:"Key"`
		Value string `xml:"Value"`
	}
	out := struct {
		Tags []tag `xml:"Tag"`
	}{}
	for _, k := range sortedKeys(o.Tags) {
		out.Tags = append(out.Tags, tag{k, o.Tags[k]})
	}
	return out
}

func (a *API) listQueueTags(ctx context.Context, in *listQueueTagsInput) (*listQueueTagsOutput, error) {
	name, err := a.target(ctx, in.QueueUrl, "ListQueueTags")
	if err != nil {
		return nil, err
	}
	tags, err := a.q.Tags(ctx, name)
	if err != nil {
		return nil, err
	}
	return &listQueueTagsOutput{Tags: tags}, nil
}
