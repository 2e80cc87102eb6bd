package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) listUserPolicies(ctx context.Context, p awsquery.Params) (any, error) {
	names, err := a.iam.ListUserPolicies(ctx, p.Get("UserName"))
	if err != nil {
		return nil, err
	}
	names, pg, err := paginate(p, names)
	if err != nil {
		return nil, err
	}
	return struct {
		PolicyNames []string `xml:"PolicyNames>member"`
		page
	}{names, pg}, nil
}
