package events

import "gust/internal/rules"

func (a *API) shape(r rules.Rule) ruleShape {
	return ruleShape{
		Name: r.Name, Arn: a.o.Buses.RuleARN(r.Bus(), r.Name), EventPattern: r.EventPattern, ScheduleExpression: r.ScheduleExpression,
		State: r.State, Description: r.Description, RoleArn: r.RoleArn, EventBusName: r.Bus(),
	}
}

// targetShape is the Target shape (the fields Gust honours).
type targetShape struct {
	Id               string
	Arn              string
	RoleArn          string                  `json:",omitempty"`
	Input            string                  `json:",omitempty"`
	InputPath        string                  `json:",omitempty"`
	InputTransformer *rules.InputTransformer `json:",omitempty"`
	RetryPolicy      *rules.RetryPolicy      `json:",omitempty"`
	DeadLetterConfig *rules.DeadLetterConfig `json:",omitempty"`
	SqsParameters    *rules.SqsParameters    `json:",omitempty"`
}

func targetOf(t targetShape) rules.Target {
	return rules.Target{ID: t.Id, Arn: t.Arn, RoleArn: t.RoleArn, Input: t.Input, InputPath: t.InputPath,
		InputTransformer: t.InputTransformer, RetryPolicy: t.RetryPolicy, DeadLetterConfig: t.DeadLetterConfig, SqsParameters: t.SqsParameters}
}

func shapeOf(t rules.Target) targetShape {
	return targetShape{Id: t.ID, Arn: t.Arn, RoleArn: t.RoleArn, Input: t.Input, InputPath: t.InputPath,
		InputTransformer: t.InputTransformer, RetryPolicy: t.RetryPolicy, DeadLetterConfig: t.DeadLetterConfig, SqsParameters: t.SqsParameters}
}

type failedEntry struct {
	TargetId     string
	ErrorCode    string
	ErrorMessage string
}

type targetsResult struct {
	FailedEntryCount int
	FailedEntries    []failedEntry
}

// tagShape is EventBridge's Tag.
type tagShape struct {
	Key   string
	Value string
}

func tagsIn(in []tagShape) []rules.Tag {
	var out []rules.Tag
	for _, t := range in {
		out = append(out, rules.Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

func tagsOut(in []rules.Tag) []tagShape {
	out := []tagShape{}
	for _, t := range in {
		out = append(out, tagShape{Key: t.Key, Value: t.Value})
	}
	return out
}
