package front

import (
	"net/http"

	"gust/internal/api/awsquery"
	"gust/internal/api/sigv4"
	"gust/internal/apierror"
)

// Options are the routers a Door dispatches to; any may be nil.
type Options struct {
	// JSON serves calls that carry X-Amz-Target.
	JSON http.Handler
	// ByScope serves every request signed for a signing service it names
	// ("s3"), whatever its path.
	ByScope map[string]http.Handler
	// Query serves query-protocol calls of the services it knows.
	Query *awsquery.Router
	// Default serves the rest.
	Default http.Handler
}

// Door is the front door.
type Door struct{ o Options }

// New returns the front door.
func New(o Options) *Door {
	if o.Default == nil {
		o.Default = http.NotFoundHandler()
	}
	return &Door{o: o}
}

// ServeHTTP routes one request.
func (d *Door) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d.o.JSON != nil && r.Header.Get("X-Amz-Target") != "" {
		d.o.JSON.ServeHTTP(w, r)
		return
	}
	scope := sigv4.ScopeService(r)
	if h, ok := d.o.ByScope[scope]; ok && scope != "" {
		h.ServeHTTP(w, r)
		return
	}
	if d.o.Query != nil && d.o.Query.Serves(scope) && awsquery.IsQueryRequest(r) {
		d.o.Query.ServeHTTP(w, r)
		return
	}
	if scope != "" && scope != "lambda" && awsquery.IsQueryRequest(r) {
		// A query-protocol call for a service Gust does not serve: answer
		// in that protocol's shape, which its clients can parse, rather
		// than in Lambda's JSON.
		awsquery.WriteError(w, apierror.New("InvalidAction", "The action %s is not valid for this web service.", queryAction(r)).WithStatus(http.StatusBadRequest))
		return
	}
	d.o.Default.ServeHTTP(w, r)
}

// queryAction is the Action a query-protocol call names, in its query
// string or form body (which it reads; the request goes nowhere else).
func queryAction(r *http.Request) string {
	if a := r.URL.Query().Get("Action"); a != "" {
		return a
	}
	if err := r.ParseForm(); err == nil {
		return r.PostForm.Get("Action")
	}
	return ""
}
