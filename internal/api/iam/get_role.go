package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) getRole(ctx context.Context, p awsquery.Params) (any, error) {
	r, err := a.iam.GetRole(ctx, p.Get("RoleName"))
	if err != nil {
		return nil, err
	}
	return struct {
		Role roleXML `xml:"Role"`
	}{roleShape(r)}, nil
}
