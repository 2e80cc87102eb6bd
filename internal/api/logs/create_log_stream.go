package logs

import (
	"context"
	"regexp"
)

type createLogStreamInput struct {
	LogGroupName  string `json:"logGroupName"`
	LogStreamName string `json:"logStreamName"`
}

var streamNamePattern = regexp.MustCompile(`^[^:*]*$`)

func validStreamName(name string) error {
	if name == "" || len(name) > 512 || !streamNamePattern.MatchString(name) {
		return invalid("1 validation error detected: Value '%s' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*", name)
	}
	return nil
}

func (a *API) createLogStream(ctx context.Context, in *createLogStreamInput) (*empty, error) {
	if err := validGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if err := validStreamName(in.LogStreamName); err != nil {
		return nil, err
	}
	if err := a.store.CreateStream(ctx, in.LogGroupName, in.LogStreamName); err != nil {
		return nil, storeError(err)
	}
	return &empty{}, nil
}
