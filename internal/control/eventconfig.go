package control

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gust/internal/apierror"
	"gust/internal/store"
)

// Lambda's asynchronous invocation defaults and limits.
const (
	DefaultMaxRetryAttempts = 2
	DefaultMaxEventAge      = 6 * time.Hour
	MinEventAgeSeconds      = 60
	MaxEventAgeSeconds      = 21600
)

// EventInvokeConfig is a function's (or qualifier's) asynchronous
// invocation settings.
type EventInvokeConfig struct {
	Function                 string    `json:"function"`
	Qualifier                string    `json:"qualifier"` // $LATEST, a version or an alias
	MaximumRetryAttempts     *int      `json:"maximumRetryAttempts,omitempty"`
	MaximumEventAgeInSeconds *int      `json:"maximumEventAgeInSeconds,omitempty"`
	OnSuccess                string    `json:"onSuccess,omitempty"` // destination ARN
	OnFailure                string    `json:"onFailure,omitempty"`
	LastModified             time.Time `json:"lastModified"`
}

// Retries is the effective MaximumRetryAttempts.
func (c EventInvokeConfig) Retries() int {
	if c.MaximumRetryAttempts == nil {
		return DefaultMaxRetryAttempts
	}
	return *c.MaximumRetryAttempts
}

// MaxAge is the effective MaximumEventAgeInSeconds.
func (c EventInvokeConfig) MaxAge() time.Duration {
	if c.MaximumEventAgeInSeconds == nil {
		return DefaultMaxEventAge
	}
	return time.Duration(*c.MaximumEventAgeInSeconds) * time.Second
}

// EventInvokeConfigInput is Put/UpdateFunctionEventInvokeConfigRequest.
type EventInvokeConfigInput struct {
	FunctionName             string `json:"-"`
	Qualifier                string `json:"-"`
	MaximumRetryAttempts     *int
	MaximumEventAgeInSeconds *int
	DestinationConfig        *struct {
		OnSuccess *struct{ Destination string }
		OnFailure *struct{ Destination string }
	}
}

// storage keys cannot hold "$": $LATEST is stored as "=latest", which no
// alias name can be.
func eventConfigKey(function, qualifier string) string {
	if qualifier == Latest {
		qualifier = "=latest"
	}
	return function + "." + qualifier
}

// resolveConfigTarget checks the function and qualifier exist and returns
// the qualifier to store under.
func (s *Service) resolveConfigTarget(ctx context.Context, ref, qualifier string) (string, string, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return "", "", err
	}
	q, err := mergeQualifier(r, qualifier)
	if err != nil {
		return "", "", err
	}
	q = cmp.Or(q, Latest)
	return r.name, q, s.qualifierExists(ctx, r.name, q)
}

// configKeyOf is the name and qualifier settings would be stored under,
// without checking they exist: AWS answers Get and Delete of a missing
// function's or version's settings with "doesn't have an EventInvokeConfig".
func (s *Service) configKeyOf(ref, qualifier string) (string, string, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return "", "", err
	}
	q, err := mergeQualifier(r, qualifier)
	if err != nil {
		return "", "", err
	}
	return r.name, cmp.Or(q, Latest), nil
}

// qualifierExists checks that q names $LATEST, a published version or an
// alias of the function.
func (s *Service) qualifierExists(ctx context.Context, name, q string) error {
	var err error
	switch {
	case q == Latest:
		_, err = s.load(ctx, name)
	case isVersionNumber(q):
		_, err = s.loadVersion(ctx, name, q)
	default:
		_, err = s.loadAlias(ctx, name, q)
		err = s.aliasNotFound(err, name, q)
	}
	return err
}

var lambdaARNPattern = regexp.MustCompile(`^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?$`)

// checkDestination applies AWS's rules to a destination of function's
// events: a valid ARN, and a function that exists and is another one.
func (s *Service) checkDestination(ctx context.Context, function, arn string) error {
	if err := s.validateDestination(arn); err != nil || arn == "" || IsQueueARN(arn) {
		return err
	}
	r, err := s.parseFunctionRef(arn)
	if err == nil && r.name == function {
		return apierror.InvalidParameter("You can't specify the function as a destination for itself.")
	}
	if err == nil {
		_, err = s.loadQualified(ctx, r.name, cmp.Or(r.qualifier, Latest))
		if r.qualifier != "" && !isVersionNumber(r.qualifier) && r.qualifier != Latest {
			_, err = s.loadAlias(ctx, r.name, r.qualifier)
		}
	}
	if err != nil {
		return apierror.InvalidParameter("The destination ARN %s is invalid.", arn)
	}
	return nil
}

func (s *Service) validateDestination(arn string) error {
	if arn == "" {
		return nil
	}
	if lambdaARNPattern.MatchString(arn) || IsQueueARN(arn) {
		return nil
	}
	if strings.HasPrefix(arn, "arn:") {
		return apierror.InvalidParameter("The destination ARN %s is not supported by Gust: only Lambda functions and SQS queues can be destinations.", arn)
	}
	return validationError(arn, "destinationConfig.onSuccess.destination", "Member must satisfy regular expression pattern: ^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)")
}

func (s *Service) applyEventConfig(ctx context.Context, c *EventInvokeConfig, in EventInvokeConfigInput) error {
	if in.MaximumRetryAttempts == nil && in.MaximumEventAgeInSeconds == nil && in.DestinationConfig == nil {
		return apierror.InvalidParameter("You must specify at least one of error handling or destination setting.")
	}
	if in.MaximumRetryAttempts != nil {
		if n := *in.MaximumRetryAttempts; n < 0 || n > 2 {
			return validationError(n, "maximumRetryAttempts", "Member must have value less than or equal to 2")
		}
		c.MaximumRetryAttempts = in.MaximumRetryAttempts
	}
	if in.MaximumEventAgeInSeconds != nil {
		if n := *in.MaximumEventAgeInSeconds; n < MinEventAgeSeconds || n > MaxEventAgeSeconds {
			return validationError(n, "maximumEventAgeInSeconds", fmt.Sprintf("Member must have value between %d and %d", MinEventAgeSeconds, MaxEventAgeSeconds))
		}
		c.MaximumEventAgeInSeconds = in.MaximumEventAgeInSeconds
	}
	if d := in.DestinationConfig; d != nil {
		if d.OnSuccess != nil {
			if err := s.checkDestination(ctx, c.Function, d.OnSuccess.Destination); err != nil {
				return err
			}
			c.OnSuccess = d.OnSuccess.Destination
		}
		if d.OnFailure != nil {
			if err := s.checkDestination(ctx, c.Function, d.OnFailure.Destination); err != nil {
				return err
			}
			c.OnFailure = d.OnFailure.Destination
		}
	}
	c.LastModified = s.now()
	return nil
}

// PutEventInvokeConfig replaces the settings of a function or qualifier.
func (s *Service) PutEventInvokeConfig(ctx context.Context, in EventInvokeConfigInput) (EventInvokeConfig, error) {
	name, q, err := s.resolveConfigTarget(ctx, in.FunctionName, in.Qualifier)
	if err != nil {
		return EventInvokeConfig{}, err
	}
	c := EventInvokeConfig{Function: name, Qualifier: q}
	if err := s.applyEventConfig(ctx, &c, in); err != nil {
		return EventInvokeConfig{}, err
	}
	if err := upsert(ctx, s.eventConfigs, eventConfigKey(name, q), mustJSON(c)); err != nil {
		return EventInvokeConfig{}, fmt.Errorf("storing event invoke config: %w", err)
	}
	return c, nil
}

// UpdateEventInvokeConfig changes the given settings of an existing config.
func (s *Service) UpdateEventInvokeConfig(ctx context.Context, in EventInvokeConfigInput) (EventInvokeConfig, error) {
	name, q, err := s.resolveConfigTarget(ctx, in.FunctionName, in.Qualifier)
	if err != nil {
		return EventInvokeConfig{}, err
	}
	key := eventConfigKey(name, q)
	for {
		c, rev, err := s.loadEventConfig(ctx, name, q)
		if err != nil {
			return EventInvokeConfig{}, err
		}
		if err := s.applyEventConfig(ctx, &c, in); err != nil {
			return EventInvokeConfig{}, err
		}
		_, err = s.eventConfigs.Update(ctx, key, mustJSON(c), rev)
		if errors.Is(err, store.ErrConflict) {
			continue
		}
		if err != nil {
			return EventInvokeConfig{}, fmt.Errorf("storing event invoke config: %w", err)
		}
		return c, nil
	}
}

func (s *Service) loadEventConfig(ctx context.Context, name, qualifier string) (EventInvokeConfig, uint64, error) {
	rec, err := s.eventConfigs.Get(ctx, eventConfigKey(name, qualifier))
	if errors.Is(err, store.ErrNotFound) {
		return EventInvokeConfig{}, 0, apierror.NotFound("The function %s doesn't have an EventInvokeConfig", s.FunctionARN(name)+":"+qualifier)
	}
	if err != nil {
		return EventInvokeConfig{}, 0, fmt.Errorf("loading event invoke config: %w", err)
	}
	var c EventInvokeConfig
	if err := json.Unmarshal(rec.Value, &c); err != nil {
		return EventInvokeConfig{}, 0, fmt.Errorf("decoding event invoke config: %w", err)
	}
	return c, rec.Revision, nil
}

// GetEventInvokeConfig returns the settings of a function or qualifier.
func (s *Service) GetEventInvokeConfig(ctx context.Context, ref, qualifier string) (EventInvokeConfig, error) {
	name, q, err := s.configKeyOf(ref, qualifier)
	if err != nil {
		return EventInvokeConfig{}, err
	}
	c, _, err := s.loadEventConfig(ctx, name, q)
	return c, err
}

// EffectiveEventInvokeConfig is what asynchronous delivery to function
// name, invoked with qualifier, uses: the qualifier's settings, or the
// defaults.
func (s *Service) EffectiveEventInvokeConfig(ctx context.Context, name, qualifier string) EventInvokeConfig {
	c, _, err := s.loadEventConfig(ctx, name, cmp.Or(qualifier, Latest))
	if err != nil {
		return EventInvokeConfig{Function: name, Qualifier: cmp.Or(qualifier, Latest)}
	}
	return c
}

// DeleteEventInvokeConfig removes the settings of a function or qualifier.
func (s *Service) DeleteEventInvokeConfig(ctx context.Context, ref, qualifier string) error {
	name, q, err := s.configKeyOf(ref, qualifier)
	if err != nil {
		return err
	}
	if _, _, err := s.loadEventConfig(ctx, name, q); err != nil {
		return err
	}
	if err := s.eventConfigs.Delete(ctx, eventConfigKey(name, q), 0); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("deleting event invoke config: %w", err)
	}
	return nil
}

// ListEventInvokeConfigs lists a function's settings for every qualifier.
func (s *Service) ListEventInvokeConfigs(ctx context.Context, ref, marker string, maxItems int) ([]EventInvokeConfig, string, error) {
	r, err := s.parseFunctionRef(ref)
	if err != nil {
		return nil, "", err
	}
	if _, err := s.load(ctx, r.name); err != nil {
		return nil, "", err
	}
	keys, err := s.eventConfigs.Keys(ctx, r.name+".")
	if err != nil {
		return nil, "", fmt.Errorf("listing event invoke configs: %w", err)
	}
	page, next, err := paginate(keys, marker, min(maxItems, 50), byName)
	if err != nil {
		return nil, "", err
	}
	out := make([]EventInvokeConfig, 0, len(page))
	for _, k := range page {
		q := strings.TrimPrefix(k, r.name+".")
		if q == "=latest" {
			q = Latest
		}
		c, _, err := s.loadEventConfig(ctx, r.name, q)
		if err == nil {
			out = append(out, c)
		}
	}
	return out, next, nil
}

// DeadLetterTarget is the DeadLetterConfig target of the version a
// qualifier names ("" when it has none).
func (s *Service) DeadLetterTarget(ctx context.Context, name, qualifier string) string {
	f, err := s.ResolvePrimary(ctx, name, qualifier)
	if err != nil {
		return ""
	}
	return f.DeadLetterTarget
}
