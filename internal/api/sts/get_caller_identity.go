package sts

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) getCallerIdentity(ctx context.Context, _ awsquery.Params) (any, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	id, err := a.iam.GetCallerIdentity(ctx, c)
	if err != nil {
		return nil, err
	}
	return struct {
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
		Arn     string `xml:"Arn"`
	}{id.UserID, id.Account, id.ARN}, nil
}
