package sns

import (
	"context"

	"gust/internal/api/awsquery"
)

type tagMember struct {
	Key   string
	Value string
}

type listTagsResult struct {
	Tags []tagMember `xml:"Tags>member"`
}

func (a *API) listTagsForResource(ctx context.Context, p awsquery.Params) (any, error) {
	if err := required(p, "ResourceArn"); err != nil {
		return nil, err
	}
	arn := p.Get("ResourceArn")
	if err := a.authorize(ctx, "ListTagsForResource", arn); err != nil {
		return nil, err
	}
	tags, err := a.o.Topics.Tags(ctx, arn)
	if err != nil {
		return nil, err
	}
	out := listTagsResult{Tags: []tagMember{}}
	for _, t := range tags {
		out.Tags = append(out.Tags, tagMember{Key: t.Key, Value: t.Value})
	}
	return out, nil
}
