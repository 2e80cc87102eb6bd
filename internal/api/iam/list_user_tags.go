package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) listUserTags(ctx context.Context, p awsquery.Params) (any, error) {
	ts, err := a.iam.ListUserTags(ctx, p.Get("UserName"))
	if err != nil {
		return nil, err
	}
	return struct {
		Tags []tagXML `xml:"Tags>member"`
		page
	}{Tags: tagsXML(ts)}, nil
}
