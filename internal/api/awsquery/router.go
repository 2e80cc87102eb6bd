package awsquery

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"

	"gust/internal/api/reqinfo"
	"gust/internal/api/sigv4"
	"gust/internal/apierror"
	"gust/internal/authz"
	"gust/internal/ids"
)

// Handler answers one operation. It returns the value whose fields become
// the <OpResult> element's children, or nil for operations whose response
// has no result element (DeleteQueue, DeleteRole).
type Handler func(ctx context.Context, p Params) (any, error)

// Service is one query-protocol service.
type Service struct {
	// SigningName is the SigV4 service name requests are signed for, and
	// how the Router finds the service ("sqs", "iam", "sts", "sns").
	SigningName string
	// XMLNS is the namespace of responses and errors
	// ("https://iam.amazonaws.com/doc/2010-05-08/").
	XMLNS string
	// Operations by Action.
	Operations map[string]Handler
	// MaxBody bounds request bodies; default 1 MB.
	MaxBody int64
	// ErrorDetail adds the empty <Detail/> element SQS writes in errors.
	ErrorDetail bool
}

// Options wires a Router.
type Options struct {
	Verifier *sigv4.Verifier
	Logger   *slog.Logger
}

// Router serves the query protocol for its services.
type Router struct {
	verifier *sigv4.Verifier
	log      *slog.Logger
	services map[string]Service
}

// New returns a Router for services.
func New(o Options, services ...Service) *Router {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Router{verifier: o.Verifier, log: o.Logger, services: map[string]Service{}}
	for _, s := range services {
		if s.MaxBody <= 0 {
			s.MaxBody = 1 << 20
		}
		r.services[s.SigningName] = s
	}
	return r
}

// Serves reports whether a service signs with name.
func (rt *Router) Serves(signingName string) bool { _, ok := rt.services[signingName]; return ok }

// IsQueryRequest reports whether r looks like a query-protocol call: a
// form-encoded POST, or a GET/POST whose query string names an Action.
func IsQueryRequest(r *http.Request) bool {
	if r.URL.Query().Has("Action") {
		return true
	}
	if r.Method != http.MethodPost {
		return false
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/x-www-form-urlencoded"
}

// ServeHTTP dispatches one call to the service its credential scope names.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := NewRequestID()
	w.Header().Set("X-Amzn-RequestId", reqID)
	svc, ok := rt.services[sigv4.ScopeService(r)]
	if !ok {
		// Unsigned, or signed for a service Gust does not serve: AWS's
		// answer to a request that reaches no service.
		writeError(w, "", reqID, false, apierror.New("MissingAuthenticationToken", "%s", "Missing Authentication Token").WithStatus(http.StatusForbidden))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, svc.MaxBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		svc.writeError(w, reqID, apierror.New("RequestEntityTooLarge", "Request must be smaller than %d bytes.", svc.MaxBody).WithStatus(http.StatusRequestEntityTooLarge))
		return
	}
	if err != nil {
		svc.writeError(w, reqID, apierror.New("MalformedQueryString", "Could not read request body: %v", err))
		return
	}
	caller, err := rt.verifier.Verify(r, body, svc.SigningName)
	if err != nil {
		svc.writeError(w, reqID, AuthError(err))
		return
	}
	values, err := parseValues(r, body)
	if err != nil {
		svc.writeError(w, reqID, apierror.New("MalformedQueryString", "%v", err))
		return
	}
	action := values.Get("Action")
	if action == "" {
		svc.writeError(w, reqID, apierror.New("MissingAction", "Missing Action"))
		return
	}
	op, ok := svc.Operations[action]
	if !ok {
		svc.writeError(w, reqID, apierror.New("InvalidAction", "The action %s is not valid for this web service.", action))
		return
	}
	ctx := authz.WithCaller(r.Context(), caller)
	ctx = reqinfo.With(ctx, r, reqID)
	out, err := op(ctx, Params{values: values})
	if err != nil {
		e := ErrorOf(err)
		if e.Status() >= 500 {
			rt.log.Error("operation failed", "service", svc.SigningName, "action", action, "err", err)
		}
		svc.writeError(w, reqID, e)
		return
	}
	b, err := encodeResponse(action, svc.XMLNS, reqID, out)
	if err != nil {
		rt.log.Error("encoding response", "service", svc.SigningName, "action", action, "err", err)
		svc.writeError(w, reqID, apierror.New("InternalFailure", "encoding response").WithStatus(http.StatusInternalServerError))
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write(b)
}

// parseValues merges the query string and a form body, as AWS does.
func parseValues(r *http.Request, body []byte) (url.Values, error) {
	values, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	if len(body) > 0 {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, err
		}
		for k, v := range form {
			values[k] = append(values[k], v...)
		}
	}
	return values, nil
}

// encodeResponse writes <ActionResponse><ActionResult>out</ActionResult>
// <ResponseMetadata/></ActionResponse>.
func encodeResponse(action, xmlns, reqID string, out any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	root := xml.StartElement{Name: xml.Name{Local: action + "Response"}}
	if xmlns != "" {
		root.Attr = []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: xmlns}}
	}
	if err := enc.EncodeToken(root); err != nil {
		return nil, err
	}
	if out != nil {
		if err := enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			return nil, err
		}
	}
	meta := struct {
		RequestID string `xml:"RequestId"`
	}{reqID}
	if err := enc.EncodeElement(meta, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return nil, err
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return nil, err
	}
	if err := enc.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type errorResponse struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	XMLNS     string   `xml:"xmlns,attr,omitempty"`
	Error     errorXML `xml:"Error"`
	RequestID string   `xml:"RequestId"`
}

type errorXML struct {
	Type    string    `xml:"Type"`
	Code    string    `xml:"Code"`
	Message string    `xml:"Message"`
	Detail  *struct{} `xml:"Detail"`
}

func (s Service) writeError(w http.ResponseWriter, reqID string, e *apierror.Error) {
	writeError(w, s.XMLNS, reqID, s.ErrorDetail, e)
}

func writeError(w http.ResponseWriter, xmlns, reqID string, detail bool, e *apierror.Error) {
	body := errorResponse{XMLNS: xmlns, RequestID: reqID, Error: errorXML{Type: "Sender", Code: e.Type, Message: e.Message}}
	if e.Status() >= 500 {
		body.Error.Type = "Receiver"
	}
	if detail {
		body.Error.Detail = &struct{}{}
	}
	b, _ := xml.Marshal(body)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.Status())
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(b)
}

// WriteError answers a request that never reached a service (the front
// door's unknown service) in the query protocol's error shape.
func WriteError(w http.ResponseWriter, e *apierror.Error) {
	reqID := NewRequestID()
	w.Header().Set("X-Amzn-RequestId", reqID)
	writeError(w, "", reqID, false, e)
}

// WriteResult answers a request that reached a service's behaviour outside
// the Router (an unsigned link such as SNS's SubscribeURL) with the same
// <ActionResponse> document an operation's result gets.
func WriteResult(w http.ResponseWriter, action, xmlns string, out any) {
	reqID := NewRequestID()
	w.Header().Set("X-Amzn-RequestId", reqID)
	b, err := encodeResponse(action, xmlns, reqID, out)
	if err != nil {
		writeError(w, xmlns, reqID, false, apierror.New("InternalFailure", "encoding response").WithStatus(http.StatusInternalServerError))
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write(b)
}

// AuthError renders a SigV4 failure with the codes query services use.
func AuthError(err error) *apierror.Error {
	var se *sigv4.Error
	if !errors.As(err, &se) {
		return apierror.New("SignatureDoesNotMatch", "%v", err).WithStatus(http.StatusForbidden)
	}
	code := se.Code
	switch se.Code {
	case sigv4.CodeInvalidSignature:
		code = "SignatureDoesNotMatch"
	case sigv4.CodeUnrecognizedClient:
		code = "InvalidClientTokenId"
	case sigv4.CodeIncompleteSignature:
		code = "IncompleteSignature"
	case sigv4.CodeMissingAuthenticationToken:
		code = "MissingAuthenticationToken"
	case sigv4.CodeAccessDenied:
		code = "AccessDenied"
	case sigv4.CodeExpiredToken:
		code = "ExpiredToken"
	}
	return apierror.New(code, "%s", se.Message).WithStatus(se.StatusCode)
}

// ErrorOf renders any error an operation returns: *apierror.Error as is, an
// authz.Denied as AccessDenied (403), anything else as InternalFailure.
func ErrorOf(err error) *apierror.Error {
	var d *authz.Denied
	if errors.As(err, &d) {
		return apierror.New("AccessDenied", "%s", d.Error()).WithStatus(http.StatusForbidden)
	}
	var e *apierror.Error
	if errors.As(err, &e) {
		return e
	}
	return apierror.New("InternalFailure", "%v", err).WithStatus(http.StatusInternalServerError)
}

// RequestInfo is what an operation may need of the HTTP request itself.
type RequestInfo = reqinfo.Info

// RequestFrom returns the request information the Router stored.
func RequestFrom(ctx context.Context) RequestInfo { return reqinfo.From(ctx) }

// NewRequestID is an AWS-style request id (ids.UUID), for the query
// services that name it here.
func NewRequestID() string { return ids.UUID() }
