package authz

import (
	"context"
	"fmt"

	"gust/internal/api/sigv4"
)

// Request is one authorization question.
type Request struct {
	// Action is IAM's name of the operation: "lambda:InvokeFunction".
	Action string
	// Resources are the ARNs the operation acts on; none means "*" (for
	// example ListQueues, which acts on the account).
	Resources []string
	// Context holds condition keys and their values beyond the ones the
	// authorizer derives itself (aws:CurrentTime, aws:SourceIp, ...), for
	// example "lambda:FunctionUrlAuthType".
	Context map[string][]string
}

// Authorizer answers authorization questions for a verified caller. It
// returns nil when the request is allowed, a *Denied when it is not, and any
// other error when it could not decide (the caller then fails the request as
// a server error, never as an allow).
type Authorizer interface {
	Authorize(ctx context.Context, caller sigv4.Principal, req Request) error
}

// Denied is a refused request, with what AWS's message names.
type Denied struct {
	// Principal is the caller's ARN ("arn:aws:iam::123456789012:user/ana").
	Principal string
	Action    string
	// Resource is the resource the refusal is about ("*" when none).
	Resource string
	// Explicit reports that a Deny statement matched (AWS then says "with
	// an explicit deny in a ... policy").
	Explicit bool
	// Reason is AWS's tail after the resource, e.g. "because no
	// identity-based policy allows the sqs:SendMessage action"; may be empty.
	Reason string
}

// Error is AWS's message for a refused request.
func (d *Denied) Error() string {
	msg := fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", d.Principal, d.Action, d.Resource)
	if d.Reason != "" {
		msg += " " + d.Reason
	}
	return msg
}

// Everyone allows every request. It is the Authorizer of a server whose only
// keys are the account root's (root may do everything, as on AWS).
type Everyone struct{}

// Authorize allows.
func (Everyone) Authorize(context.Context, sigv4.Principal, Request) error { return nil }

type callerKey struct{}

// WithCaller returns ctx carrying the verified caller, for code below the
// wire layer that needs to know who asked (the owner of a new resource, the
// identity in an event record).
func WithCaller(ctx context.Context, p sigv4.Principal) context.Context {
	return context.WithValue(ctx, callerKey{}, p)
}

// CallerFrom returns the caller WithCaller stored, if any.
func CallerFrom(ctx context.Context) (sigv4.Principal, bool) {
	p, ok := ctx.Value(callerKey{}).(sigv4.Principal)
	return p, ok
}
