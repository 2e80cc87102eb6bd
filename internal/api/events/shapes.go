package events

import "gust/internal/rules"

func (a *API) shape(r rules.Rule) ruleShape {
	return ruleShape{
		Name: r.Name, Arn: a.o.Scheduler.RuleARN(r.Name), EventPattern: r.EventPattern, ScheduleExpression: r.ScheduleExpression,
		State: r.State, Description: r.Description, RoleArn: r.RoleArn, EventBusName: "default",
	}
}

// targetShape is the Target shape (the fields Gust honours).
type targetShape struct {
	Id        string
	Arn       string
	RoleArn   string `json:",omitempty"`
	Input     string `json:",omitempty"`
	InputPath string `json:",omitempty"`
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
