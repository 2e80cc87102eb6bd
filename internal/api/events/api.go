package events

import (
	"context"
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
	Buses      *buses.Service
	Authorizer authz.Authorizer
	Region     string
	AccountID  string
	// Now defaults to time.Now; it stamps rule creation and changes.
	Now func() time.Time
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
	if o.Authorizer == nil {
		o.Authorizer = authz.Everyone{}
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

// authorize asks whether the caller may perform action on resources.
func (a *API) authorize(ctx context.Context, action string, resources ...string) error {
	caller, _ := authz.CallerFrom(ctx)
	return a.o.Authorizer.Authorize(ctx, caller, authz.Request{Action: "events:" + action, Resources: resources})
}

func (a *API) ruleError(err error, bus, name string) error {
	if errors.Is(err, rules.ErrNotFound) {
		return apierror.NotFound("Rule %s does not exist on EventBus %s.", name, bus)
	}
	return err
}
