package iam

import (
	"context"

	"gust/internal/api/awsquery"
	"gust/internal/iam"
)

func (a *API) createRole(ctx context.Context, p awsquery.Params) (any, error) {
	maxSession, err := intParam(p, "MaxSessionDuration")
	if err != nil {
		return nil, err
	}
	r, err := a.iam.CreateRole(ctx, iam.CreateRoleInput{Name: p.Get("RoleName"), Path: p.Get("Path"),
		AssumeRolePolicyDocument: p.Get("AssumeRolePolicyDocument"), Description: p.Get("Description"),
		MaxSessionDuration: maxSession, Tags: tags(p)})
	if err != nil {
		return nil, err
	}
	return struct {
		Role roleXML `xml:"Role"`
	}{roleShape(r)}, nil
}
