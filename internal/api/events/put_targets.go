package events

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"

	"gust/internal/apierror"
	"gust/internal/rules"
)

type putTargetsInput struct {
	Rule         string
	EventBusName string
	Targets      []struct {
		targetShape
		InputTransformer json.RawMessage
	}
}

var (
	targetIDPattern = regexp.MustCompile(`^[.\-_A-Za-z0-9]{1,64}$`)
	inputPath       = regexp.MustCompile(`^\$(\.[A-Za-z0-9_\-]+)*$`)
)

func (a *API) putTargets(ctx context.Context, in *putTargetsInput) (*targetsResult, error) {
	if err := validName("rule", in.Rule); err != nil {
		return nil, err
	}
	if err := a.checkBus(in.EventBusName); err != nil {
		return nil, err
	}
	if len(in.Targets) == 0 || len(in.Targets) > 10 {
		return nil, apierror.Validation("1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10")
	}
	res := &targetsResult{FailedEntries: []failedEntry{}}
	_, err := a.o.Rules.Mutate(ctx, in.Rule, false, func(r *rules.Rule, _ bool) error {
		res.FailedEntries = res.FailedEntries[:0]
		for _, t := range in.Targets {
			if !targetIDPattern.MatchString(t.Id) {
				return apierror.Validation("1 validation error detected: Value '%s' at 'targets.id' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", t.Id)
			}
			if msg := a.checkTarget(t.targetShape, t.InputTransformer); msg != "" {
				res.FailedEntries = append(res.FailedEntries, failedEntry{TargetId: t.Id, ErrorCode: "ValidationException", ErrorMessage: msg})
				continue
			}
			nt := rules.Target{ID: t.Id, Arn: t.Arn, Input: t.Input, InputPath: t.InputPath}
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
		return nil, a.ruleError(err, in.Rule)
	}
	res.FailedEntryCount = len(res.FailedEntries)
	return res, nil
}

// checkTarget is why a target cannot be stored, or "".
func (a *API) checkTarget(t targetShape, transformer json.RawMessage) string {
	prefix := "arn:aws:lambda:" + a.o.Region + ":" + a.o.AccountID + ":function:"
	switch {
	case !strings.HasPrefix(t.Arn, prefix) || len(t.Arn) == len(prefix):
		return "Gust rule targets must be Lambda functions of this server (" + prefix + "NAME)."
	case t.Input != "" && t.InputPath != "":
		return "Only one of Input, InputPath, or InputTransformer can be provided."
	case len(transformer) > 0 && string(transformer) != "null":
		return "InputTransformer is not supported by Gust."
	case t.Input != "" && !json.Valid([]byte(t.Input)):
		return "Input is not valid JSON."
	case t.InputPath != "" && !inputPath.MatchString(t.InputPath):
		return "Gust supports InputPath of the form $.field.field."
	}
	return ""
}
