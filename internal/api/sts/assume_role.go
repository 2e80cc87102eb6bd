package sts

import (
	"context"
	"strconv"
	"time"

	"gust/internal/api/awsquery"
	"gust/internal/apierror"
	"gust/internal/iam"
)

type credentialsXML struct {
	AccessKeyID     string    `xml:"AccessKeyId"`
	SecretAccessKey string    `xml:"SecretAccessKey"`
	SessionToken    string    `xml:"SessionToken"`
	Expiration      time.Time `xml:"Expiration"`
}

func (a *API) assumeRole(ctx context.Context, p awsquery.Params) (any, error) {
	c, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	duration := 0
	if v := p.Get("DurationSeconds"); v != "" {
		if duration, err = strconv.Atoi(v); err != nil {
			return nil, apierror.New("ValidationError", "1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be a number", v).WithStatus(400)
		}
	}
	if len(p.List("PolicyArns")) > 0 {
		return nil, apierror.New("ValidationError", "Managed session policies (PolicyArns) are not supported by Gust; pass Policy.").WithStatus(400)
	}
	r, err := a.iam.AssumeRole(ctx, c, iam.AssumeRoleInput{RoleARN: p.Get("RoleArn"), RoleSessionName: p.Get("RoleSessionName"),
		DurationSeconds: duration, Policy: p.Get("Policy")})
	if err != nil {
		return nil, err
	}
	return struct {
		Credentials     credentialsXML `xml:"Credentials"`
		AssumedRoleUser struct {
			AssumedRoleID string `xml:"AssumedRoleId"`
			Arn           string `xml:"Arn"`
		} `xml:"AssumedRoleUser"`
	}{
		Credentials: credentialsXML{r.Credentials.AccessKeyID, r.Credentials.SecretAccessKey, r.Credentials.SessionToken, r.Credentials.Expiration},
		AssumedRoleUser: struct {
			AssumedRoleID string `xml:"AssumedRoleId"`
			Arn           string `xml:"Arn"`
		}{r.AssumedRoleID, r.ARN},
	}, nil
}
