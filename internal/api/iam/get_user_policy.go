package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) getUserPolicy(ctx context.Context, p awsquery.Params) (any, error) {
	user, doc, err := a.iam.GetUserPolicy(ctx, p.Get("UserName"), p.Get("PolicyName"))
	if err != nil {
		return nil, err
	}
	return struct {
		UserName       string `xml:"UserName"`
		PolicyName     string `xml:"PolicyName"`
		PolicyDocument string `xml:"PolicyDocument"`
	}{user, p.Get("PolicyName"), encodeDocument(doc)}, nil
}
