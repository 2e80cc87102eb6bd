package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) getRolePolicy(ctx context.Context, p awsquery.Params) (any, error) {
	role, doc, err := a.iam.GetRolePolicy(ctx, p.Get("RoleName"), p.Get("PolicyName"))
	if err != nil {
		return nil, err
	}
	return struct {
		RoleName       string `xml:"RoleName"`
		PolicyName     string `xml:"PolicyName"`
		PolicyDocument string `xml:"PolicyDocument"`
	}{role, p.Get("PolicyName"), encodeDocument(doc)}, nil
}
