package iam

import (
	"context"

	"gust/internal/api/awsquery"
)

func (a *API) createUser(ctx context.Context, p awsquery.Params) (any, error) {
	u, err := a.iam.CreateUser(ctx, p.Get("UserName"), p.Get("Path"), tags(p))
	if err != nil {
		return nil, err
	}
	return struct {
		User userXML `xml:"User"`
	}{userShape(u)}, nil
}
