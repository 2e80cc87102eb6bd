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
	"gust/internal/control"
	"gust/internal/ids"
	"gust/internal/invoke"
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
	URLs   FunctionURLs
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
	log      *slog.Logger
}

// New returns the API; Handler gives its routes.
func New(o Options) *API {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &API{control: o.Control, invoker: o.Invoker, verifier: o.Verifier, keyID: o.AccessKeyID, secret: o.SecretAccessKey, usage: o.Usage, urls: o.URLs, log: o.Logger}
}

// operation is one API operation: its name (for messages), its body limit
// and its handler, which gets the authenticated, fully read body.
type operation struct {
	name    string
	maxBody int64
	service string // SigV4 signing service
	presign bool   // may be authenticated by a presigned query string
	handle  func(w http.ResponseWriter, r *http.Request, body []byte) error
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
			writeError(w, authError(err))
			return
		}
		if p.Presigned && !op.presign {
			// Presigned URLs are for downloads handed out by Gust, not a
			// way to call operations from a link.
			writeError(w, apierror.New("AccessDeniedException", "Presigned requests are not accepted for %s.", op.name))
			return
		}
		if err := op.handle(w, r, body); err != nil {
			e := apierror.As(err)
			if errors.Is(e, apierror.ServiceException) {
				a.log.Error("operation failed", "operation", op.name, "err", err)
			}
			writeError(w, e)
		}
	})
}

func authError(err error) *apierror.Error {
	var se *sigv4.Error
	if errors.As(err, &se) {
		return apierror.New(se.Code, "%s", se.Message)
	}
	return apierror.New("InvalidSignatureException", "%v", err)
}

// errorBody is the JSON body of a Lambda error.
type errorBody struct {
	Type    string
	Message string `json:"message"`
	Reason  string `json:",omitempty"`
}

func writeError(w http.ResponseWriter, err error) {
	e := apierror.As(err)
	w.Header().Set("X-Amzn-ErrorType", e.Type)
	writeJSON(w, e.Status(), errorBody{Type: e.Fault(), Message: e.Message, Reason: e.Reason})
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
