package furl

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"gust/internal/api/sigv4"
	"gust/internal/authz"
	"gust/internal/ids"
	"gust/internal/invoke"
	"gust/internal/origin"
)

// maxBody is Lambda's synchronous payload limit, which also bounds URL
// request bodies.
const maxBody = 6 * 1024 * 1024

// PathPrefix is the path form of URLs: PathPrefix + <url-id> + the path.
const PathPrefix = "/gust/v1/url/"

// Invoker runs functions; package invoke implements it.
type Invoker interface {
	Invoke(ctx context.Context, req invoke.Request) (invoke.Response, error)
}

// Policies tells whether a function's resource-based policy lets anyone
// invoke its URL; package control implements it.
type Policies interface {
	// AllowsPublicURL reports whether the policy of function name (and
	// qualifier) grants public access to a URL with AuthType NONE created
	// at created, as AWS documents it.
	AllowsPublicURL(ctx context.Context, name, qualifier string, created time.Time) (bool, error)
}

// Options wire a Handler.
type Options struct {
	Store    *Store
	Invoker  Invoker
	Verifier *sigv4.Verifier
	// Policies, when set, is asked before a URL with AuthType NONE is
	// served: without a statement granting public access it answers 403,
	// as AWS does.
	Policies Policies
	// Authorizer, when set, is asked whether the signer of a request to a
	// URL with AuthType AWS_IAM may lambda:InvokeFunctionUrl the function.
	Authorizer authz.Authorizer
	AccountID  string
	// Console is the web console's origin: the path form is refused there
	// (421), so that no function's page is ever same-origin with it.
	Console origin.Origin
	Logger  *slog.Logger
}

// Handler serves invocations through function URLs.
type Handler struct {
	o Options
}

// NewHandler returns the URL handler.
func NewHandler(o Options) *Handler {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{o: o}
}

// HostID is the URL id a request's Host names, if it is the host form
// (<url-id>.lambda-url.<anything>).
func HostID(host string) (string, bool) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	id, rest, ok := strings.Cut(strings.ToLower(host), ".")
	if !ok || !strings.HasPrefix(rest, "lambda-url.") || len(id) != 32 {
		return "", false
	}
	return id, true
}

// Routes wraps next: requests whose Host is a URL's host form go to the URL;
// every other request goes to next.
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
		writeMessage(w, http.StatusMisdirectedRequest, "Function URLs are not served on the console's host name: use the FunctionUrl")
		return
	}
	rest := strings.TrimPrefix(r.URL.EscapedPath(), PathPrefix)
	id, path, _ := strings.Cut(rest, "/")
	h.serve(w, r, id, "/"+path)
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, id, rawPath string) {
	ctx := r.Context()
	reqID := ids.UUID()
	w.Header().Set("X-Amzn-RequestId", reqID)
	cfg, err := h.o.Store.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		writeMessage(w, http.StatusForbidden, "Forbidden")
		return
	}
	if err != nil {
		h.o.Logger.Error("function URL lookup", "url_id", id, "err", err)
		writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	if cfg.Cors != nil && IsPreflight(r) {
		Preflight(w, r, cfg.Cors)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeMessage(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	if cfg.AuthType == AuthNone && h.o.Policies != nil {
		public, err := h.o.Policies.AllowsPublicURL(ctx, cfg.FunctionName, cfg.Qualifier, cfg.Created)
		if err != nil {
			h.o.Logger.Error("function URL policy", "url_id", id, "err", err)
			writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
			return
		}
		if !public {
			writeMessage(w, http.StatusForbidden, "Forbidden")
			return
		}
	}
	var principal *sigv4.Principal
	if cfg.AuthType == AuthAWSIAM {
		p, err := h.o.Verifier.Verify(r, body, "lambda")
		if err != nil {
			writeMessage(w, http.StatusForbidden, "Forbidden")
			return
		}
		if h.o.Authorizer != nil {
			arn := "arn:aws:lambda:" + h.o.Store.Region + ":" + h.o.AccountID + ":function:" + cfg.FunctionName
			if cfg.Qualifier != "" {
				arn += ":" + cfg.Qualifier
			}
			if err := h.o.Authorizer.Authorize(ctx, p, authz.Request{Action: "lambda:InvokeFunctionUrl", Resources: []string{arn},
				Context: map[string][]string{"lambda:FunctionUrlAuthType": {AuthAWSIAM}}}); err != nil {
				writeMessage(w, http.StatusForbidden, "Forbidden")
				return
			}
		}
		principal = &p
	}
	event, err := h.event(r, cfg, id, rawPath, reqID, body, principal)
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	res, err := h.o.Invoker.Invoke(ctx, invoke.Request{RequestID: reqID, FunctionName: cfg.FunctionName, Qualifier: cfg.Qualifier, Payload: event})
	if cfg.Cors != nil {
		CORSHeaders(w, r, cfg.Cors)
	}
	if err != nil {
		h.o.Logger.Debug("function URL invoke", "url_id", id, "err", err)
		var sc interface{ Status() int }
		if errors.As(err, &sc) && sc.Status() == http.StatusTooManyRequests {
			writeMessage(w, http.StatusTooManyRequests, "Rate Exceeded.")
			return
		}
		if errors.As(err, &sc) && sc.Status() == http.StatusNotFound {
			writeMessage(w, http.StatusForbidden, "Forbidden") // the function is gone
			return
		}
		writeMessage(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	if res.FunctionError != "" || res.StatusCode != http.StatusOK {
		writeMessage(w, http.StatusBadGateway, "Internal Server Error")
		return
	}
	if err := WriteResult(w, res.Payload); err != nil {
		h.o.Logger.Debug("function URL response", "url_id", id, "err", err)
		writeMessage(w, http.StatusBadGateway, "Internal Server Error")
	}
}

func writeMessage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"Message":"`+msg+`"}`)
}
