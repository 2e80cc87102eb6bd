package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"gust/internal/api/sigv4"
	"gust/internal/apierror"
	"gust/internal/authz"
	"gust/internal/control"
	"gust/internal/ids"
	"gust/internal/invoke"
	"gust/internal/layers"
)

// Invoker runs functions; package invoke implements it.
type Invoker interface {
	Invoke(ctx context.Context, req invoke.Request) (invoke.Response, error)
	ProvisionedAllocated(ctx context.Context, c control.ProvisionedConfig) int
}

// Options wires the API.
type Options struct {
	Control  *control.Service
	Invoker  Invoker
	Verifier *sigv4.Verifier
	// AccessKeyID and SecretAccessKey sign the presigned Code.Location URLs.
	AccessKeyID     string
	SecretAccessKey string
	// Usage answers GET /gust/v1/usage; optional.
	Usage Usage
	// URLs stores function URL configurations; optional.
	URLs FunctionURLs
	// Authorizer decides what each verified caller may do; nil allows
	// everything.
	Authorizer authz.Authorizer
	// Mappings serves event source mappings; optional.
	Mappings Mappings
	// Layers serves Lambda layers; optional.
	Layers *layers.Service
	Logger *slog.Logger
}

// API serves the Lambda REST API.
type API struct {
	control  *control.Service
	invoker  Invoker
	verifier *sigv4.Verifier
	keyID    string
	secret   string
	usage    Usage
	urls     FunctionURLs
	auth     authz.Authorizer
	mappings Mappings
	layers   *layers.Service
	log      *slog.Logger
}

// New returns the API; Handler gives its routes.
func New(o Options) *API {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Authorizer == nil {
		o.Authorizer = authz.Everyone{}
	}
	return &API{control: o.Control, invoker: o.Invoker, verifier: o.Verifier, keyID: o.AccessKeyID, secret: o.SecretAccessKey, usage: o.Usage, urls: o.URLs, auth: o.Authorizer, mappings: o.Mappings, layers: o.Layers, log: o.Logger}
}

// operation is one API operation: its name (for messages), its body limit
// and its handler, which gets the authenticated, fully read body.
type operation struct {
	name string
	// action is IAM's name of the operation ("lambda:GetFunction");
	// resource gives the ARNs it acts on, from the path or body.
	action   string
	resource func(a *API, r *http.Request, body []byte) []string
	// passesRole: a Role in the body is handed to the function, which
	// needs iam:PassRole on it too, as on AWS (else any caller allowed to
	// create functions could run code with any role).
	passesRole bool
	maxBody    int64
	service    string // SigV4 signing service
	presign    bool   // may be authenticated by a presigned query string
	handle     func(w http.ResponseWriter, r *http.Request, body []byte) error
}

// serve wraps an operation with body limits, authentication and AWS errors.
func (a *API) serve(op operation) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amzn-RequestId", ids.UUID())
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, op.maxBody))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, apierror.TooLarge("Request must be smaller than %d bytes for the %s operation", op.maxBody, op.name))
			return
		}
		if err != nil {
			writeError(w, apierror.InvalidRequestContent("Could not read request body: %v", err))
			return
		}
		p, err := a.verifier.Verify(r, body, op.service)
		if err != nil {
			writeAuthError(w, err)
			return
		}
		if p.Presigned && !op.presign {
			// Presigned URLs are for downloads handed out by Gust, not a
			// way to call operations from a link.
			writeError(w, apierror.New("AccessDeniedException", "Presigned requests are not accepted for %s.", op.name))
			return
		}
		if err := a.authorize(r, p, op, body); err != nil {
			writeError(w, deniedError(err))
			return
		}
		r = r.WithContext(authz.WithCaller(r.Context(), p))
		if err := op.handle(w, r, body); err != nil {
			e := apierror.As(err)
			if errors.Is(e, apierror.ServiceException) {
				a.log.Error("operation failed", "operation", op.name, "err", err)
			}
			writeError(w, e)
		}
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decode parses a JSON request body into v as Lambda does: an empty body is
// an empty object; anything unparseable is InvalidRequestContentException.
func decode(body []byte, v any) error {
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return apierror.InvalidRequestContent("Could not parse request body into json: %v", err)
	}
	return nil
}

// codeURLLifetime is how long a GetFunction Code.Location stays valid; AWS
// uses ten minutes for its presigned S3 URLs.
const codeURLLifetime = 10 * time.Minute
