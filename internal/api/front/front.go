package front

import (
	"net/http"

	"gust/internal/api/awsquery"
	"gust/internal/api/sigv4"
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
	d.o.Default.ServeHTTP(w, r)
}
