package apigatewayv2

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"

	"gust/internal/api/sigv4"
	"gust/internal/apierror"
	"gust/internal/authz"
	"gust/internal/httpapi"
)

// Options wire the API.
type Options struct {
	Store      *httpapi.Store
	Verifier   *sigv4.Verifier
	Authorizer authz.Authorizer
	Region     string
	AccountID  string
	// Base is the public base URL ApiEndpoint hangs off.
	Base *url.URL
	// PathBase, when set, makes ApiEndpoint the path form on it.
	PathBase *url.URL
	Logger   *slog.Logger
}

// API is API Gateway v2's management API.
type API struct {
	o Options
}

// New returns the API.
func New(o Options) *API {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &API{o: o}
}

type operation struct {
	name   string
	status int // on success; 200 when 0
	// handle returns the response body (nil for none) or an error.
	handle func(r *http.Request, body []byte) (any, error)
}

func (a *API) serve(op operation) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amzn-RequestId", httpapi.NewID(8)+"-"+httpapi.NewID(4)+"-"+httpapi.NewID(4)+"-"+httpapi.NewID(4)+"-"+httpapi.NewID(12))
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			writeError(w, badRequest("Request body too large"))
			return
		}
		p, err := a.o.Verifier.Verify(r, body, "apigateway")
		if err != nil {
			var se *sigv4.Error
			if !errors.As(err, &se) {
				se = &sigv4.Error{Code: sigv4.CodeInvalidSignature, Message: err.Error(), StatusCode: http.StatusForbidden}
			}
			writeError(w, apierror.New(se.Code, "%s", se.Message).WithStatus(se.StatusCode))
			return
		}
		resource := "arn:aws:apigateway:" + a.o.Region + "::" + strings.TrimPrefix(r.URL.Path, "/v2")
		if err := a.o.Authorizer.Authorize(r.Context(), p, authz.Request{Action: "apigateway:" + r.Method, Resources: []string{resource},
			Context: map[string][]string{"aws:SourceIp": {sourceIP(r)}}}); err != nil {
			var d *authz.Denied
			if errors.As(err, &d) {
				writeError(w, apierror.New("AccessDeniedException", "%s", d.Error()).WithStatus(http.StatusForbidden))
				return
			}
			writeError(w, fmt.Errorf("authorizing: %w", err))
			return
		}
		r = r.WithContext(authz.WithCaller(r.Context(), p))
		out, err := op.handle(r, body)
		if err != nil {
			var e *apierror.Error
			if !errors.As(err, &e) {
				a.o.Logger.Error("operation failed", "operation", op.name, "err", err)
			}
			writeError(w, err)
			return
		}
		status := op.status
		if status == 0 {
			status = http.StatusOK
		}
		if out == nil {
			w.WriteHeader(status)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(out)
	})
}

// writeError answers as API Gateway does: the type in X-Amzn-ErrorType
// and {"message": ...}; anything not an API error is a 500.
func writeError(w http.ResponseWriter, err error) {
	var e *apierror.Error
	if !errors.As(err, &e) {
		e = apierror.New("InternalServerErrorException", "Internal server error").WithStatus(http.StatusInternalServerError)
	}
	w.Header().Set("X-Amzn-ErrorType", e.Type)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Status())
	_ = json.NewEncoder(w).Encode(map[string]string{"message": e.Message})
}

func notFound(format string, args ...any) error {
	return apierror.New("NotFoundException", format, args...).WithStatus(http.StatusNotFound)
}

func badRequest(format string, args ...any) error {
	return apierror.New("BadRequestException", format, args...).WithStatus(http.StatusBadRequest)
}

func conflict(format string, args ...any) error {
	return apierror.New("ConflictException", format, args...).WithStatus(http.StatusConflict)
}

// decode parses a JSON body into v; an empty body is an empty object.
func decode(body []byte, v any) error {
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return badRequest("Invalid request body: could not parse JSON")
	}
	return nil
}

func sourceIP(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

// getAPI reads the API in the path, as NotFoundException when missing.
func (a *API) load(r *http.Request) (*httpapi.API, error) {
	api, err := a.o.Store.Get(r.Context(), r.PathValue("apiId"))
	return api, a.apiErr(r, err)
}

// change applies fn to the API in the path.
func (a *API) change(r *http.Request, fn func(*httpapi.API) error) (*httpapi.API, error) {
	api, err := a.o.Store.Change(r.Context(), r.PathValue("apiId"), fn)
	return api, a.apiErr(r, err)
}

func (a *API) apiErr(r *http.Request, err error) error {
	if errors.Is(err, httpapi.ErrNotFound) {
		return notFound("Invalid API identifier specified %s:%s", a.o.AccountID, r.PathValue("apiId"))
	}
	return err
}
