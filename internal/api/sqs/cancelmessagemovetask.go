package sqs

import (
	"context"

	"gust/internal/api/awsquery"
)

type cancelMessageMoveTaskInput struct {
	TaskHandle string `json:"TaskHandle"`
}

type cancelMessageMoveTaskOutput struct {
	ApproximateNumberOfMessagesMoved int64 `json:"ApproximateNumberOfMessagesMoved" xml:"ApproximateNumberOfMessagesMoved"`
}

func cancelMessageMoveTaskQuery(p awsquery.Params) (*cancelMessageMoveTaskInput, error) {
	return &cancelMessageMoveTaskInput{TaskHandle: p.Get("TaskHandle")}, nil
}

func (a *API) cancelMessageMoveTask(ctx context.Context, in *cancelMessageMoveTaskInput) (*cancelMessageMoveTaskOutput, error) {
	if in.TaskHandle == "" {
		return nil, missing("TaskHandle")
	}
	if err := a.authorize(ctx, "CancelMessageMoveTask", ""); err != nil {
		return nil, err
	}
	n, err := a.q.CancelMoveTask(in.TaskHandle)
	if err != nil {
		return nil, err
	}
	return &cancelMessageMoveTaskOutput{ApproximateNumberOfMessagesMoved: n}, nil
}
