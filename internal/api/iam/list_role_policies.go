package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) listRolePolicies(ctx context.Context, p awsquery.Params) (any, error) {
	names, err := a.iam.ListRolePolicies(ctx, p.Get("RoleName"))
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
