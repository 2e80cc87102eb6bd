package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"
)

// defaultEndpoint is where the client commands look for Gust when neither
// AWS_ENDPOINT_URL nor a profile's endpoint_url says otherwise: the
// server's default --listen.
const defaultEndpoint = "http://127.0.0.1:9000"

// clients are the AWS SDK clients the client commands share; they read the
// same configuration as the AWS CLI (environment, profiles, region).
type clients struct {
	cfg      aws.Config
	endpoint string
	lambda   *lambda.Client
	logs     *cloudwatchlogs.Client
	iam      *iam.Client
}

// newClients loads the AWS configuration and checks, before any signed
// call, what a first run gets wrong: no server at the endpoint, an endpoint
// that is not Gust, a region that is not the server's, no credentials. The
// EC2 instance metadata service is never asked for credentials: Gust's are
// never there, and probing it only delays and muddles the real advice.
func newClients(ctx context.Context) (*clients, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRetryMaxAttempts(1), config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	if err != nil {
		return nil, fmt.Errorf("loading AWS configuration: %w", err)
	}
	endpoint := defaultEndpoint
	if cfg.BaseEndpoint != nil && *cfg.BaseEndpoint != "" {
		endpoint = *cfg.BaseEndpoint
	} else if v := os.Getenv("AWS_ENDPOINT_URL"); v != "" {
		endpoint = v
	}
	cfg.BaseEndpoint = aws.String(endpoint)
	server, err := probe(ctx, endpoint)
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.Region == "":
		cfg.Region = server.Region
	case server.Region != "" && cfg.Region != server.Region:
		return nil, regionError(endpoint, server.Region, cfg.Region)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if !isLocal(endpoint) {
			return nil, remoteNoCredentials(endpoint)
		}
		provider, path, err := localCredentials(endpoint)
		if err != nil {
			return nil, err
		}
		step("no AWS credentials set: using the server's, from %s", path)
		cfg.Credentials = provider
	}
	return &clients{
		cfg:      cfg,
		endpoint: endpoint,
		lambda:   lambda.NewFromConfig(cfg),
		logs:     cloudwatchlogs.NewFromConfig(cfg),
		iam:      iam.NewFromConfig(cfg),
	}, nil
}

// explain turns the two mistakes every new user makes (no server, wrong
// keys) into advice; other errors pass through.
func (c *clients) explain(err error) error {
	if err == nil {
		return nil
	}
	var netErr *net.OpError
	var dnsErr *net.DNSError
	if errors.As(err, &netErr) || errors.As(err, &dnsErr) {
		return &unreachableError{endpoint: c.endpoint, err: err}
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "UnrecognizedClientException", "InvalidSignatureException", "MissingAuthenticationTokenException", "IncompleteSignatureException":
			return fmt.Errorf("the server refused the credentials: check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (the server prints them at start)\n  %s: %s", apiErr.ErrorCode(), apiErr.ErrorMessage())
		}
		return fmt.Errorf("%s: %s", apiErr.ErrorCode(), apiErr.ErrorMessage())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("gust at %s did not answer in time: %w", c.endpoint, err)
	}
	return err
}

// step prints one line of progress for long operations.
func step(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "• "+format+"\n", args...)
}

// since parses "10m", "2h" as a duration back from now.
func sinceMillis(d time.Duration) int64 {
	return time.Now().Add(-d).UnixMilli()
}
