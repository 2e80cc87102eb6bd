package awsjson

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"gust/internal/api/reqinfo"
	"gust/internal/api/sigv4"
	"gust/internal/apierror"
	"gust/internal/authz"
	"gust/internal/ids"
)

// Handler answers one operation: it gets the raw request body and returns
// the value to encode as the response.
type Handler func(ctx context.Context, body []byte) (any, error)

// Op adapts a typed operation: the body is decoded into In (an empty body
// is an empty object; a malformed one is SerializationException) and the
// returned Out is encoded as the response.
func Op[In, Out any](fn func(ctx context.Context, in *In) (*Out, error)) Handler {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if len(body) > 0 {
			if err := json.Unmarshal(body, in); err != nil {
				return nil, apierror.New("SerializationException", "%v", err)
			}
		}
		out, err := fn(ctx, in)
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

// Service is one JSON 1.1 service.
type Service struct {
	// TargetPrefix is what X-Amz-Target starts with, before the dot
	// ("Logs_20140328").
	TargetPrefix string
	// SigningName is the SigV4 service name requests must be signed for
	// ("logs").
	SigningName string
	// Operations by name (the X-Amz-Target part after the dot).
	Operations map[string]Handler
	// MaxBody bounds request bodies; default 1 MB.
	MaxBody int64
	// ContentType of responses: application/x-amz-json-1.1 (the default)
	// or application/x-amz-json-1.0 (SQS, Kinesis, DynamoDB).
	ContentType string
	// Authorizer, when set, is asked before every operation whether the
	// caller may perform "<SigningName>:<operation>" on Resources(op,
	// body) (nil Resources or none returned: the account, "*"). Services
	// that authorize inside their operations leave it nil.
	Authorizer authz.Authorizer
	Resources  func(op string, body []byte) []string
	// QueryCompatible, for services that moved from the query protocol
	// (awsQueryCompatible in their model, SQS), names an error both ways:
	// the __type to send ("com.amazonaws.sqs#QueueDoesNotExist") and the
	// query protocol's code, sent as x-amzn-query-error "<code>;Sender"
	// (SDKs report that code). Nil sends the error's type as __type.
	QueryCompatible func(e *apierror.Error) (jsonType, queryCode string)
}

// Options wires a Router.
type Options struct {
	Verifier *sigv4.Verifier
	// Fallback answers a POST / without X-Amz-Target.
	Fallback http.Handler
	Logger   *slog.Logger
}

// Router serves POST / for its services.
type Router struct {
	verifier *sigv4.Verifier
	fallback http.Handler
	log      *slog.Logger
	services map[string]Service
}

// New returns a Router for services.
func New(o Options, services ...Service) *Router {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Fallback == nil {
		o.Fallback = http.NotFoundHandler()
	}
	r := &Router{verifier: o.Verifier, fallback: o.Fallback, log: o.Logger, services: map[string]Service{}}
	for _, s := range services {
		if s.MaxBody <= 0 {
			s.MaxBody = 1 << 20
		}
		if s.ContentType == "" {
			s.ContentType = contentType
		}
		r.services[s.TargetPrefix] = s
	}
	return r
}

// ServeHTTP dispatches one call.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get("X-Amz-Target")
	if target == "" {
		rt.fallback.ServeHTTP(w, r)
		return
	}
	w.Header().Set("X-Amzn-RequestId", ids.UUID())
	prefix, opName, _ := strings.Cut(target, ".")
	svc, ok := rt.services[prefix]
	if !ok {
		writeError(w, apierror.New("UnknownOperationException", "Unknown operation %s", target))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, svc.MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeError(w, apierror.New("InvalidParameterException", "Request must be smaller than %d bytes.", svc.MaxBody))
		return
	}
	if err != nil {
		writeError(w, apierror.New("SerializationException", "Could not read request body: %v", err))
		return
	}
	caller, err := rt.verifier.Verify(r, body, svc.SigningName)
	if err != nil {
		writeAuthError(w, err)
		return
	}
	op, ok := svc.Operations[opName]
	if !ok {
		svc.writeError(w, apierror.New("UnknownOperationException", "Unknown operation %s", target))
		return
	}
	if svc.Authorizer != nil {
		var resources []string
		if svc.Resources != nil {
			resources = svc.Resources(opName, body)
		}
		ip, _, _ := net.SplitHostPort(r.RemoteAddr)
		if err := svc.Authorizer.Authorize(r.Context(), caller, authz.Request{Action: svc.SigningName + ":" + opName, Resources: resources,
			Context: map[string][]string{"aws:SourceIp": {ip}}}); err != nil {
			svc.writeError(w, errorOf(err))
			return
		}
	}
	ctx := reqinfo.With(authz.WithCaller(r.Context(), caller), r, w.Header().Get("X-Amzn-RequestId"))
	out, err := op(ctx, body)
	if err != nil {
		e := errorOf(err)
		if e.Status() >= 500 {
			rt.log.Error("operation failed", "target", target, "err", err)
		}
		svc.writeError(w, e)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		rt.log.Error("encoding response", "target", target, "err", err)
		writeError(w, apierror.Service("encoding response: %v", err))
		return
	}
	w.Header().Set("Content-Type", svc.ContentType)
	_, _ = w.Write(b)
}

const contentType = "application/x-amz-json-1.1"

// errorOf renders an operation's error: an authz.Denied is
// AccessDeniedException, anything not an *apierror.Error a server fault.
func errorOf(err error) *apierror.Error {
	var d *authz.Denied
	if errors.As(err, &d) {
		return apierror.New("AccessDeniedException", "%s", d.Error())
	}
	return apierror.As(err)
}

// errorBody is a JSON 1.1 error.
type errorBody struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

// writeError writes e in the service's error shape.
func (s Service) writeError(w http.ResponseWriter, e *apierror.Error) {
	if s.QueryCompatible == nil {
		writeError(w, e)
		return
	}
	typ, code := s.QueryCompatible(e)
	fault := "Sender"
	if e.Status() >= 500 {
		fault = "Receiver"
	}
	w.Header().Set("x-amzn-query-error", code+";"+fault)
	w.Header().Set("Content-Type", s.ContentType)
	w.WriteHeader(e.Status())
	_ = json.NewEncoder(w).Encode(errorBody{Type: typ, Message: e.Message})
}

func writeError(w http.ResponseWriter, err error) {
	e := apierror.As(err)
	status := e.Status()
	if status < 500 {
		status = http.StatusBadRequest
	}
	writeBody(w, status, errorBody{Type: e.Type, Message: e.Message})
}

func writeAuthError(w http.ResponseWriter, err error) {
	var se *sigv4.Error
	if !errors.As(err, &se) {
		se = &sigv4.Error{Code: sigv4.CodeInvalidSignature, Message: err.Error(), StatusCode: http.StatusForbidden}
	}
	writeBody(w, se.StatusCode, errorBody{Type: se.Code, Message: se.Message})
}

func writeBody(w http.ResponseWriter, status int, v errorBody) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
