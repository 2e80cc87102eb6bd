package logs

import (
	"encoding/json"

	"context"
	"errors"
	"fmt"
	"gust/internal/authz"
	"regexp"
	"strings"
	"time"

	"gust/internal/apierror"
	"gust/internal/telemetry/logstore"
)

// Store is the log store the API reads; logstore.Store implements it.
type Store interface {
	Groups(ctx context.Context) ([]logstore.Group, error)
	CreateGroup(ctx context.Context, group string, settings logstore.GroupSettings) error
	ChangeGroup(ctx context.Context, group string, change func(*logstore.Group)) error
	CreateStream(ctx context.Context, group, stream string) error
	HasStream(ctx context.Context, group, stream string) error
	Append(ctx context.Context, group string, entries []logstore.Entry) error
	DeleteGroup(ctx context.Context, group string) error
	SetRetention(ctx context.Context, group string, days int) error
	Streams(ctx context.Context, group, prefix string) ([]logstore.LogStream, error)
	Scan(ctx context.Context, q logstore.Query) (logstore.Page, error)
	Tail(ctx context.Context, q logstore.Query, before uint64) ([]logstore.Event, error)
}

// Options wires the API.
type Options struct {
	Store     Store
	Region    string // in ARNs
	AccountID string
	// Authorizer decides what callers may do; nil allows everything.
	Authorizer authz.Authorizer
}

// API is the CloudWatch Logs API.
type API struct {
	store     Store
	region    string
	accountID string
	auth      authz.Authorizer
}

// New returns the API; Service gives its operations to an awsjson.Router.
func New(o Options) *API {
	return &API{store: o.Store, region: o.Region, accountID: o.AccountID, auth: o.Authorizer}
}

// TargetPrefix and SigningName identify CloudWatch Logs on the wire.
const (
	TargetPrefix = "Logs_20140328"
	SigningName  = "logs"
)

// storeError turns the store's errors into CloudWatch's.
func storeError(err error) error {
	switch {
	case errors.Is(err, logstore.ErrGroupNotFound):
		return apierror.NotFound("The specified log group does not exist.")
	case errors.Is(err, logstore.ErrStreamNotFound):
		return apierror.NotFound("The specified log stream does not exist.")
	case errors.Is(err, logstore.ErrGroupExists):
		return apierror.New("ResourceAlreadyExistsException", "The specified log group already exists")
	case errors.Is(err, logstore.ErrStreamExists):
		return apierror.New("ResourceAlreadyExistsException", "The specified log stream already exists")
	}
	return err
}

func invalid(format string, args ...any) error {
	return apierror.New("InvalidParameterException", format, args...)
}

var groupNamePattern = regexp.MustCompile(`^[\.\-_/#A-Za-z0-9]+$`)

func validGroupName(field, name string) error {
	if name == "" || len(name) > 512 || !groupNamePattern.MatchString(name) {
		return invalid("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", name, field)
	}
	return nil
}

// groupName resolves logGroupName or logGroupIdentifier (a name or an
// ARN); exactly one must be given.
func groupName(name, identifier string) (string, error) {
	switch {
	case name != "" && identifier != "":
		return "", invalid("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
	case name == "" && identifier == "":
		return "", invalid("Either logGroupName or logGroupIdentifier must be specified.")
	case name != "":
		return name, validGroupName("logGroupName", name)
	}
	if rest, ok := strings.CutPrefix(identifier, "arn:"); ok {
		// arn:aws:logs:region:account:log-group:NAME[:*]
		parts := strings.SplitN(rest, ":", 6)
		if len(parts) != 6 || parts[1] != "logs" || !strings.HasPrefix(parts[5], "log-group:") {
			return "", invalid("Invalid log group ARN %s", identifier)
		}
		identifier = strings.TrimSuffix(strings.TrimPrefix(parts[5], "log-group:"), ":*")
	}
	return identifier, validGroupName("logGroupIdentifier", identifier)
}

func checkLimit(limit *int32, max int32) (int, error) {
	if limit == nil {
		return 0, nil
	}
	if *limit < 1 || *limit > max {
		return 0, invalid("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and %d", *limit, max)
	}
	return int(*limit), nil
}

func (a *API) groupARN(name string) string {
	return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", a.region, a.accountID, name)
}

func millis(t time.Time) int64 { return t.UnixMilli() }

// optionalMillis is 0 (left out of the answer) for the zero time.
func optionalMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms *int64) time.Time {
	if ms == nil {
		return time.Time{}
	}
	return time.UnixMilli(*ms)
}

// resources is the log group an operation names, as IAM sees it
// (arn:aws:logs:<region>:<account>:log-group:<name>:*); none for
// operations on the account (DescribeLogGroups). Tagging names the group
// by ARN; CreateLogStream and PutLogEvents act on a log stream of it.
func (a *API) resources(_ string, body []byte) []string {
	var in struct {
		LogGroupName  string `json:"logGroupName"`
		LogStreamName string `json:"logStreamName"`
		ResourceArn   string `json:"resourceArn"`
	}
	if json.Unmarshal(body, &in) != nil {
		return nil
	}
	switch {
	case in.ResourceArn != "":
		return []string{strings.TrimSuffix(in.ResourceArn, ":*") + ":*"}
	case in.LogGroupName == "":
		return nil
	case in.LogStreamName != "":
		return []string{a.groupARN(in.LogGroupName) + ":log-stream:" + in.LogStreamName}
	}
	return []string{a.groupARN(in.LogGroupName) + ":*"}
}
