package httpapi

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"gust/internal/furl"
	"gust/internal/invoke"
	"gust/internal/origin"
)

// PathPrefix is the path form of APIs: PathPrefix + <api-id> + the path.
const PathPrefix = "/gust/v1/execute-api/"

// maxBody is HTTP APIs' request payload limit.
const maxBody = 10 * 1024 * 1024

// Options wire a Handler.
type Options struct {
	Store   *Store
	Invoker furl.Invoker
	// Base is the public base URL the host form hangs off.
	Base      *url.URL
	Region    string
	AccountID string
	// Console is the web console's origin: the path form is refused there
	// (421), as function URLs' is.
	Console origin.Origin
	Logger  *slog.Logger
}

// Handler serves the deployed stages of HTTP APIs.
type Handler struct {
	o Options
}

// NewHandler returns the data plane.
func NewHandler(o Options) *Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{o: o}
}

// Domain is the host name of API id.
func (h *Handler) Domain(id string) string { return Domain(id, h.o.Region, h.o.Base) }

// Domain is the host name of API id under base.
func Domain(id, region string, base *url.URL) string {
	return id + ".execute-api." + region + "." + base.Hostname()
}

// Endpoint is the ApiEndpoint of API id: the host form under base, or,
// when pathBase is set (an address every resolver knows, which the host
// form under "localhost" is not), the path form on it. Both are served.
func Endpoint(id, region string, base, pathBase *url.URL) string {
	if pathBase != nil {
		return pathBase.Scheme + "://" + pathBase.Host + PathPrefix + id
	}
	port := ""
	if p := base.Port(); p != "" {
		port = ":" + p
	}
	return base.Scheme + "://" + Domain(id, region, base) + port
}

// HostID is the API id a request's Host names, if it is the host form
// (<api-id>.execute-api.<anything>).
func HostID(host string) (string, bool) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	id, rest, ok := strings.Cut(strings.ToLower(host), ".")
	if !ok || !strings.HasPrefix(rest, "execute-api.") || !validID(id) {
		return "", false
	}
	return id, true
}

// Routes wraps next: requests whose Host is an API's host form go to the
// API; every other request goes to next.
func (h *Handler) Routes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id, ok := HostID(r.Host); ok {
			h.serve(w, r, id, r.URL.EscapedPath())
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ServePath serves the path form; register it at PathPrefix+"{id}/". On
// the console's origin it serves nothing.
func (h *Handler) ServePath(w http.ResponseWriter, r *http.Request) {
	if h.o.Console.Serves(r) {
		writeMessage(w, http.StatusMisdirectedRequest, "HTTP APIs are not served on the console's host name: use the ApiEndpoint")
		return
	}
	rest := strings.TrimPrefix(r.URL.EscapedPath(), PathPrefix)
	id, path, _ := strings.Cut(rest, "/")
	h.serve(w, r, id, "/"+path)
}

// stageOf picks the stage a path is for: a named stage its first segment
// names, else $default. path is the remainder after the stage.
func stageOf(a *API, rawPath string) (*Stage, string, bool) {
	first, rest, _ := strings.Cut(strings.TrimPrefix(rawPath, "/"), "/")
	if first != "" && first != "$default" {
		for i := range a.Stages {
			if a.Stages[i].Name == unescape(first) {
				return &a.Stages[i], "/" + rest, true
			}
		}
	}
	for i := range a.Stages {
		if a.Stages[i].Name == "$default" {
			return &a.Stages[i], rawPath, true
		}
	}
	return nil, "", false
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, id, rawPath string) {
	ctx := r.Context()
	reqID := NewID(16)
	w.Header().Set("Apigw-Requestid", reqID)
	a, err := h.o.Store.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		writeMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	if err != nil {
		h.o.Logger.Error("HTTP API lookup", "api_id", id, "err", err)
		writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	if a.DisableExecuteAPIEndpoint {
		writeMessage(w, http.StatusForbidden, "Forbidden")
		return
	}
	stage, path, ok := stageOf(a, rawPath)
	var dep *Deployment
	if ok {
		dep, ok = a.Deployment(stage.DeploymentID)
	}
	if !ok {
		writeMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	var cors *furl.Cors
	if a.Cors != nil {
		cors = &furl.Cors{AllowCredentials: a.Cors.AllowCredentials, AllowHeaders: a.Cors.AllowHeaders, AllowMethods: a.Cors.AllowMethods,
			AllowOrigins: a.Cors.AllowOrigins, ExposeHeaders: a.Cors.ExposeHeaders}
		if a.Cors.MaxAge != nil {
			cors.MaxAge = *a.Cors.MaxAge
		}
		if furl.IsPreflight(r) {
			furl.Preflight(w, r, cors)
			return
		}
		furl.CORSHeaders(w, r, cors)
	}
	route, params, ok := Match(dep.Routes, r.Method, path)
	if !ok {
		writeMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	var integ *Integration
	for i := range dep.Integrations {
		if "integrations/"+dep.Integrations[i].ID == route.Target {
			integ = &dep.Integrations[i]
		}
	}
	if integ == nil {
		writeMessage(w, http.StatusNotFound, "Not Found")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeMessage(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	sourceIP, _, _ := net.SplitHostPort(r.RemoteAddr)
	q := &request{r: r, api: a, stage: stage.Name, stageVars: stage.StageVariables, route: route, params: params,
		rawPath: rawPath, path: path, domain: h.Domain(a.ID), requestID: reqID, sourceIP: sourceIP,
		accountID: h.o.AccountID, body: body, now: time.Now().UTC()}
	if len(q.stageVars) == 0 {
		q.stageVars = nil
	}
	var event []byte
	if integ.PayloadFormatVersion == "1.0" {
		event, err = q.eventV1()
	} else {
		event, err = q.eventV2()
	}
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	fn, qualifier := FunctionOf(integ.IntegrationURI)
	timeout := time.Duration(integ.TimeoutInMillis) * time.Millisecond
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ictx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := h.o.Invoker.Invoke(ictx, invoke.Request{RequestID: reqID, FunctionName: fn, Qualifier: qualifier, Payload: event})
	if err != nil {
		h.o.Logger.Debug("HTTP API invoke", "api_id", id, "err", err)
		var sc interface{ Status() int }
		switch {
		case ictx.Err() != nil && ctx.Err() == nil:
			writeMessage(w, http.StatusGatewayTimeout, "Service Unavailable")
		case errors.As(err, &sc) && sc.Status() == http.StatusTooManyRequests:
			writeMessage(w, http.StatusServiceUnavailable, "Service Unavailable")
		case errors.As(err, &sc) && sc.Status() == http.StatusRequestEntityTooLarge:
			writeMessage(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		default:
			writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
		}
		return
	}
	if res.FunctionError != "" || res.StatusCode != http.StatusOK {
		writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	if integ.PayloadFormatVersion == "1.0" {
		err = writeV1(w, res.Payload)
	} else {
		err = furl.WriteResult(w, res.Payload)
	}
	if err != nil {
		h.o.Logger.Debug("HTTP API response", "api_id", id, "err", err)
		writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
	}
}

// FunctionOf is the function (name or ARN) and qualifier an AWS_PROXY
// integration URI names: a Lambda function or alias ARN, or API Gateway's
// arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn>/invocations.
func FunctionOf(uri string) (function, qualifier string) {
	if i := strings.Index(uri, ":lambda:path/2015-03-31/functions/"); i >= 0 {
		uri = strings.TrimSuffix(uri[i+len(":lambda:path/2015-03-31/functions/"):], "/invocations")
	}
	parts := strings.Split(uri, ":")
	if len(parts) == 8 && parts[5] == "function" {
		return strings.Join(parts[:7], ":"), parts[7]
	}
	return uri, ""
}

// writeMessage answers as API Gateway does for its own errors.
func writeMessage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"message":"`+msg+`"}`)
}
