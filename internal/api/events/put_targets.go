package events

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"gust/internal/apierror"
	"gust/internal/buses"
	"gust/internal/rules"
)

type putTargetsInput struct {
	Rule         string
	EventBusName string
	Targets      []targetShape
}

var (
	targetIDPattern = regexp.MustCompile(`^[.\-_A-Za-z0-9]{1,64}$`)
	pathsMapKey     = regexp.MustCompile(`^[A-Za-z0-9_\-]+$`)
)

func (a *API) putTargets(ctx context.Context, in *putTargetsInput) (*targetsResult, error) {
	if err := validName("rule", in.Rule); err != nil {
		return nil, err
	}
	bus, err := a.bus(ctx, in.EventBusName)
	if err != nil {
		return nil, err
	}
	if len(in.Targets) == 0 || len(in.Targets) > 10 {
		return nil, apierror.Validation("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10")
	}
	res := &targetsResult{FailedEntries: []failedEntry{}}
	_, err = a.o.Rules.Mutate(ctx, bus, in.Rule, false, func(r *rules.Rule, _ bool) error {
		res.FailedEntries = res.FailedEntries[:0]
		for _, t := range in.Targets {
			if !targetIDPattern.MatchString(t.Id) {
				return apierror.Validation("1 validation error detected: Value '%s' at 'targets.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", t.Id)
			}
			if msg := unsupportedTarget(t.Arn); msg != "" {
				res.FailedEntries = append(res.FailedEntries, failedEntry{TargetId: t.Id, ErrorCode: "ValidationException", ErrorMessage: msg})
				continue
			}
			if err := a.checkTarget(t); err != nil {
				return err
			}
			nt := targetOf(t)
			replaced := false
			for i := range r.Targets {
				if r.Targets[i].ID == t.Id {
					r.Targets[i], replaced = nt, true
				}
			}
			if !replaced {
				r.Targets = append(r.Targets, nt)
			}
		}
		if len(r.Targets) > 5 {
			return apierror.New("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
		}
		return nil
	})
	if err != nil {
		return nil, a.ruleError(err, bus, in.Rule)
	}
	a.o.Buses.RulesChanged(bus)
	res.FailedEntryCount = len(res.FailedEntries)
	return res, nil
}

// unsupportedTarget is why Gust cannot deliver to a target ARN, or "".
func unsupportedTarget(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	switch parts[2] {
	case "lambda", "sqs", "sns", "events":
		return ""
	}
	return "Gust delivers to Lambda, SQS, SNS and event bus targets only."
}

// checkTarget refuses a target EventBridge would refuse, or Gust cannot
// deliver to.
func (a *API) checkTarget(t targetShape) error {
	parts := strings.SplitN(t.Arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return apierror.Validation("Parameter %s is not valid. Reason: Provided Arn is not in correct format.", t.Arn)
	}
	if parts[2] == "events" && !strings.HasPrefix(parts[5], "event-bus/") {
		return apierror.Validation("Parameter %s is not valid. Reason: Provided Arn is not in correct format.", t.Arn)
	}
	n := 0
	for _, set := range []bool{t.Input != "", t.InputPath != "", t.InputTransformer != nil} {
		if set {
			n++
		}
	}
	if n > 1 {
		return apierror.Validation("Only one of Input, InputPath, or InputTransformer must be provided.")
	}
	if t.Input != "" && !json.Valid([]byte(t.Input)) {
		return apierror.Validation("Input is not valid JSON text.")
	}
	if t.InputPath != "" && !buses.ValidPath(t.InputPath) {
		return apierror.Validation("InputPath for target %s is invalid.", t.Id)
	}
	if it := t.InputTransformer; it != nil {
		if it.InputTemplate == "" {
			return apierror.Validation("1 validation error detected: Value null at 'targets.%s.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must not be null", t.Id)
		}
		if len(it.InputPathsMap) > 100 {
			return apierror.Validation("InputPathsMap for target %s has more than 100 entries.", t.Id)
		}
		for k, v := range it.InputPathsMap {
			if !pathsMapKey.MatchString(k) || strings.HasPrefix(k, "aws.") {
				return apierror.Validation("InputPathsMap for target %s contains invalid key %s.", t.Id, k)
			}
			if !buses.ValidPath(v) {
				return apierror.Validation("Target %s InputPathsMap contains invalid JSONPath %s.", t.Id, v)
			}
		}
	}
	if rp := t.RetryPolicy; rp != nil {
		if rp.MaximumRetryAttempts != nil && (*rp.MaximumRetryAttempts < 0 || *rp.MaximumRetryAttempts > 185) {
			return apierror.Validation("1 validation error detected: Value '%d' at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 185", *rp.MaximumRetryAttempts)
		}
		if rp.MaximumEventAgeInSeconds != nil && (*rp.MaximumEventAgeInSeconds < 60 || *rp.MaximumEventAgeInSeconds > 86400) {
			return apierror.Validation("1 validation error detected: Value '%d' at 'targets.1.member.retryPolicy.maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value between 60 and 86400", *rp.MaximumEventAgeInSeconds)
		}
	}
	if dlq := t.DeadLetterConfig; dlq != nil && dlq.Arn != "" {
		if p := strings.Split(dlq.Arn, ":"); len(p) != 6 || p[2] != "sqs" {
			return apierror.Validation("%s", fmt.Sprintf("Parameter(s) DeadLetterConfig could not be validated for target %s. Reason: The ARN %s is not a valid SQS queue ARN.", t.Id, dlq.Arn))
		}
	}
	return nil
}
