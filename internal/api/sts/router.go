package sts

import (
	"context"

	"gust/internal/api/awsquery"
	"gust/internal/api/sigv4"
	"gust/internal/apierror"
	"gust/internal/authz"
	"gust/internal/iam"
)

// Options wire the API.
type Options struct {
	IAM *iam.Service
}

// API is STS's wire front.
type API struct{ iam *iam.Service }

// New returns the API.
func New(o Options) *API { return &API{iam: o.IAM} }

// Service is STS for the query router. GetCallerIdentity needs no
// permission (as on AWS); AssumeRole is authorized by package iam, which
// weighs the caller's policies and the role's trust policy together.
func (a *API) Service() awsquery.Service {
	return awsquery.Service{SigningName: "sts", XMLNS: "https://sts.amazonaws.com/doc/2011-06-15/", Operations: map[string]awsquery.Handler{
		"GetCallerIdentity": a.getCallerIdentity,
		"AssumeRole":        a.assumeRole,
	}}
}

func caller(ctx context.Context) (sigv4.Principal, error) {
	c, ok := authz.CallerFrom(ctx)
	if !ok {
		return c, apierror.New("MissingAuthenticationToken", "Missing Authentication Token").WithStatus(403)
	}
	return c, nil
}
