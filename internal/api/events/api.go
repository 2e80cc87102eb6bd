package events

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"

	"gust/internal/apierror"
	"gust/internal/authz"
	"gust/internal/buses"
	"gust/internal/rules"
)

// TargetPrefix and SigningName identify EventBridge on the wire.
const (
	TargetPrefix = "AWSEvents"
	SigningName  = "events"
)

// Scheduler is what the API needs from the rules scheduler.
type Scheduler interface {
	Forget(ctx context.Context, name string) error
}

// Options wire the API.
type Options struct {
	Rules     *rules.Store
	Scheduler Scheduler
	// Buses keeps custom buses, accepts PutEvents and routes events.
	Buses     *buses.Service
	Region    string
	AccountID string
	// Now defaults to time.Now; it stamps rule creation and changes.
	Now func() time.Time
	// Authorizer decides what callers may do; nil allows everything.
	Authorizer authz.Authorizer
}

// API is the EventBridge API.
type API struct {
	o Options
}

// New returns the API; Service gives its operations to an awsjson.Router.
func New(o Options) *API {
	if o.Now == nil {
		o.Now = time.Now
	}
	return &API{o: o}
}

type empty struct{}

var namePattern = regexp.MustCompile(`^[.\-_A-Za-z0-9]{1,64}$`)

func validName(field, name string) error {
	if !namePattern.MatchString(name) || !rules.ValidName(name) {
		return apierror.Validation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", name, field)
	}
	return nil
}

// bus resolves an EventBusName (name or ARN, empty = default) to an
// existing bus's name.
func (a *API) bus(ctx context.Context, nameOrARN string) (string, error) {
	if nameOrARN != "" && !strings.HasPrefix(nameOrARN, "arn:") && !busNamePattern.MatchString(nameOrARN) {
		return "", apierror.Validation("1 validation error detected: Value '%s' at 'eventBusName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:aws[\\w-]*:events:[a-z]{2}-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?[/\\.\\-_A-Za-z0-9]+", nameOrARN)
	}
	return a.o.Buses.BusName(ctx, nameOrARN)
}

var busNamePattern = regexp.MustCompile(`^[/\.\-_A-Za-z0-9]{1,256}$`)

func (a *API) ruleError(err error, bus, name string) error {
	if errors.Is(err, rules.ErrNotFound) {
		return apierror.NotFound("Rule %s does not exist on EventBus %s.", name, bus)
	}
	return err
}

// resources is what an operation acts on, as IAM sees it: the rule
// (arn:aws:events:<region>:<account>:rule/[<bus>/]<name>), the event bus,
// the tagged resource, or every bus PutEvents writes to; none for
// operations on the account (ListRules, ListEventBuses, TestEventPattern).
func (a *API) resources(op string, body []byte) []string {
	var in struct {
		Name, Rule, EventBusName, ResourceARN string
		Entries                               []struct{ EventBusName string }
	}
	if json.Unmarshal(body, &in) != nil {
		return nil
	}
	bus := busOf(in.EventBusName)
	switch op {
	case "CreateEventBus", "DeleteEventBus", "DescribeEventBus":
		return []string{a.o.Buses.BusARN(busOf(in.Name))}
	case "PutEvents":
		var out []string
		for _, e := range in.Entries {
			out = append(out, a.o.Buses.BusARN(busOf(e.EventBusName)))
		}
		return out
	case "TagResource", "UntagResource", "ListTagsForResource":
		if in.ResourceARN == "" {
			return nil
		}
		return []string{in.ResourceARN}
	case "ListRules", "ListEventBuses", "TestEventPattern":
		return nil
	}
	name := in.Name
	if name == "" {
		name = in.Rule
	}
	if name == "" {
		return nil
	}
	return []string{a.o.Buses.RuleARN(bus, name)}
}

// busOf is the bus an EventBusName parameter names: its name (an ARN's
// last part), "default" when empty.
func busOf(nameOrARN string) string {
	if nameOrARN == "" {
		return rules.DefaultBus
	}
	if strings.HasPrefix(nameOrARN, "arn:") {
		if _, name, ok := strings.Cut(nameOrARN, ":event-bus/"); ok {
			return name
		}
	}
	return nameOrARN
}
