package lambda

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"

	"gust/internal/apierror"
	"gust/internal/authz"
)

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
