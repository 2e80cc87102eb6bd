package events

import (
	"context"
	"strings"

	"gust/internal/apierror"
	"gust/internal/buses"
	"gust/internal/rules"
)

type tagResourceInput struct {
	ResourceARN string
	Tags        []tagShape
}

func (a *API) tagResource(ctx context.Context, in *tagResourceInput) (*empty, error) {
	tags := tagsIn(in.Tags)
	if err := buses.CheckTags(tags); err != nil {
		return nil, err
	}
	return &empty{}, a.changeTags(ctx, in.ResourceARN, func(have []rules.Tag) ([]rules.Tag, error) {
		merged := buses.MergeTags(have, tags)
		if len(merged) > 50 {
			return nil, apierror.New("LimitExceededException", "The requested resource exceeds the maximum number allowed.")
		}
		return merged, nil
	})
}

// resource is what an EventBridge ARN names: a rule (bus and name) or a
// custom bus.
func (a *API) resource(arn string) (kind, bus, name string, err error) {
	prefix := "arn:aws:events:" + a.o.Region + ":" + a.o.AccountID + ":"
	rest, ok := strings.CutPrefix(arn, prefix)
	if ok {
		if r, ok := strings.CutPrefix(rest, "rule/"); ok {
			if i := strings.LastIndexByte(r, '/'); i >= 0 {
				return "rule", r[:i], r[i+1:], nil
			}
			return "rule", rules.DefaultBus, r, nil
		}
		if b, ok := strings.CutPrefix(rest, "event-bus/"); ok {
			return "bus", b, "", nil
		}
	}
	return "", "", "", apierror.NotFound("Resource %s does not exist.", arn)
}

// changeTags applies change to the tags of the rule or bus arn names.
func (a *API) changeTags(ctx context.Context, arn string, change func([]rules.Tag) ([]rules.Tag, error)) error {
	kind, bus, name, err := a.resource(arn)
	if err != nil {
		return err
	}
	if kind == "bus" {
		if bus == rules.DefaultBus {
			return apierror.Validation("Tagging the default event bus is not supported by Gust.")
		}
		return a.o.Buses.MutateBusTags(ctx, bus, change)
	}
	if _, err := a.o.Buses.BusName(ctx, bus); err != nil {
		return apierror.NotFound("Rule %s does not exist on EventBus %s.", name, bus)
	}
	_, err = a.o.Rules.Mutate(ctx, bus, name, false, func(r *rules.Rule, _ bool) error {
		tags, err := change(r.Tags)
		r.Tags = tags
		return err
	})
	return a.ruleError(err, bus, name)
}
