package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) listRoleTags(ctx context.Context, p awsquery.Params) (any, error) {
	ts, err := a.iam.ListRoleTags(ctx, p.Get("RoleName"))
	if err != nil {
		return nil, err
	}
	return struct {
		Tags []tagXML `xml:"Tags>member"`
		page
	}{Tags: tagsXML(ts)}, nil
}
