package lambda

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"

	"gust/internal/api/sigv4"
	"gust/internal/apierror"
	"gust/internal/authz"
)

// authorize asks whether caller may perform op, and pass the role op's
// body names when it hands one to a function.
func (a *API) authorize(r *http.Request, caller sigv4.Principal, op operation, body []byte) error {
	cond := map[string][]string{"aws:SourceIp": {sourceIP(r)}}
	if err := a.auth.Authorize(r.Context(), caller, authz.Request{Action: op.action, Resources: op.resource(a, r, body), Context: cond}); err != nil {
		return err
	}
	if !op.passesRole {
		return nil
	}
	var in struct{ Role string }
	if json.Unmarshal(body, &in) != nil || in.Role == "" {
		return nil // no role passed (or a body the operation refuses)
	}
	return a.auth.Authorize(r.Context(), caller, authz.Request{Action: "iam:PassRole", Resources: []string{in.Role},
		Context: map[string][]string{"aws:SourceIp": {sourceIP(r)}, "iam:PassedToService": {"lambda.amazonaws.com"}}})
}

// The resources of Lambda's operations, for authorization (router.go
// names one per route; the default is function).

// function is the function named in the path, qualified by ?Qualifier=.
func function(a *API, r *http.Request, _ []byte) []string {
	return []string{a.control.ResourceARN(r.PathValue("name"), r.URL.Query().Get("Qualifier"))}
}

// createdFunction is the function CreateFunction's body names.
func createdFunction(a *API, _ *http.Request, body []byte) []string {
	var in struct{ FunctionName string }
	_ = json.Unmarshal(body, &in)
	return []string{a.control.ResourceARN(in.FunctionName, "")}
}

// taggedResource is the ARN in the tags path.
func taggedResource(_ *API, r *http.Request, _ []byte) []string { return []string{r.PathValue("arn")} }

// account is for operations on no particular resource.
func account(*API, *http.Request, []byte) []string { return nil }

// deniedError renders an authorization failure: a refusal as
// AccessDeniedException with AWS's message, anything else as a fault.
func deniedError(err error) *apierror.Error {
	var d *authz.Denied
	if errors.As(err, &d) {
		return apierror.New("AccessDeniedException", "%s", d.Error())
	}
	return apierror.Service("Authorizing the request failed: %v", err)
}

func sourceIP(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}
