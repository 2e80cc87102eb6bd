// Command echofn is a Lambda function built with aws-lambda-go for the
// runtimeapi tests: it echoes its event and the invocation context it
// received, fails when asked to, and pads its answer when asked to.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

type request struct {
	Fail string `json:"fail"`
	Pad  int    `json:"pad"`
}

type reply struct {
	Event        json.RawMessage   `json:"event"`
	RequestID    string            `json:"requestId"`
	FunctionARN  string            `json:"functionArn"`
	DeadlineMs   int64             `json:"deadlineMs"`
	TraceID      any               `json:"traceId"`
	ClientCustom map[string]string `json:"clientCustom"`
	CognitoID    string            `json:"cognitoIdentityId"`
	CognitoPool  string            `json:"cognitoIdentityPoolId"`
	Padding      string            `json:"padding,omitempty"`
}

func handle(ctx context.Context, event json.RawMessage) (reply, error) {
	var in request
	_ = json.Unmarshal(event, &in)
	if in.Fail != "" {
		return reply{}, errors.New(in.Fail)
	}
	lc, _ := lambdacontext.FromContext(ctx)
	deadline, _ := ctx.Deadline()
	return reply{
		Event:        event,
		RequestID:    lc.AwsRequestID,
		FunctionARN:  lc.InvokedFunctionArn,
		DeadlineMs:   deadline.UnixMilli(),
		TraceID:      ctx.Value("x-amzn-trace-id"),
		ClientCustom: lc.ClientContext.Custom,
		CognitoID:    lc.Identity.CognitoIdentityID,
		CognitoPool:  lc.Identity.CognitoIdentityPoolID,
		Padding:      strings.Repeat("x", in.Pad),
	}, nil
}

func main() {
	lambda.Start(handle)
}
