package events

import (
	"encoding/json"

	"context"
	"errors"
	"gust/internal/authz"
	"regexp"
	"time"

	"gust/internal/apierror"
	"gust/internal/rules"
)

// TargetPrefix and SigningName identify EventBridge on the wire.
const (
	TargetPrefix = "AWSEvents"
	SigningName  = "events"
)

// Scheduler is what the API needs from the rules scheduler.
type Scheduler interface {
	RuleARN(name string) string
	Forget(ctx context.Context, name string) error
}

// Options wire the API.
type Options struct {
	Rules     *rules.Store
	Scheduler Scheduler
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

// checkBus accepts only the default event bus.
func (a *API) checkBus(bus string) error {
	if bus == "" || bus == "default" || bus == "arn:aws:events:"+a.o.Region+":"+a.o.AccountID+":event-bus/default" {
		return nil
	}
	return apierror.NotFound("Event bus %s does not exist.", bus)
}

func (a *API) ruleError(err error, name string) error {
	if errors.Is(err, rules.ErrNotFound) {
		return apierror.NotFound("Rule %s does not exist on EventBus default.", name)
	}
	return err
}

// resources is the rule an operation names, as IAM sees it
// (arn:aws:events:<region>:<account>:rule/<name>); none for operations on
// the account (ListRules).
func (a *API) resources(_ string, body []byte) []string {
	var in struct{ Name, Rule string }
	if json.Unmarshal(body, &in) != nil {
		return nil
	}
	name := in.Name
	if name == "" {
		name = in.Rule
	}
	if name == "" {
		return nil
	}
	return []string{"arn:aws:events:" + a.o.Region + ":" + a.o.AccountID + ":rule/" + name}
}
