package lambda

import (
	"net/http"

	"gust/internal/apierror"
)

const (
	maxJSONBody   = 6 * 1024 * 1024
	maxCodeBody   = 70167211 // AWS: a 50 MB zip, base64 in JSON
	maxInvokeBody = 6 * 1024 * 1024
)

// Register adds every Lambda API route to mux.
func (a *API) Register(mux *http.ServeMux) {
	routes := []struct {
		pattern string
		op      operation
	}{
		{"POST /2015-03-31/functions", operation{name: "CreateFunction", maxBody: maxCodeBody, handle: a.createFunction}},
		{"GET /2015-03-31/functions", operation{name: "ListFunctions", maxBody: maxJSONBody, handle: a.listFunctions}},
		{"GET /2015-03-31/functions/{name}", operation{name: "GetFunction", maxBody: maxJSONBody, handle: a.getFunction}},
		{"DELETE /2015-03-31/functions/{name}", operation{name: "DeleteFunction", maxBody: maxJSONBody, handle: a.deleteFunction}},
		{"GET /2015-03-31/functions/{name}/configuration", operation{name: "GetFunctionConfiguration", maxBody: maxJSONBody, handle: a.getFunctionConfiguration}},
		{"PUT /2015-03-31/functions/{name}/configuration", operation{name: "UpdateFunctionConfiguration", maxBody: maxJSONBody, handle: a.updateFunctionConfiguration}},
		{"PUT /2015-03-31/functions/{name}/code", operation{name: "UpdateFunctionCode", maxBody: maxCodeBody, handle: a.updateFunctionCode}},
		{"POST /2015-03-31/functions/{name}/invocations", operation{name: "InvokeFunction", maxBody: maxInvokeBody, handle: a.invoke}},
		{"GET /2016-08-19/account-settings", operation{name: "GetAccountSettings", maxBody: maxJSONBody, handle: a.getAccountSettings}},
		{"POST /2017-03-31/tags/{arn}", operation{name: "TagResource", maxBody: maxJSONBody, handle: a.tagResource}},
		{"DELETE /2017-03-31/tags/{arn}", operation{name: "UntagResource", maxBody: maxJSONBody, handle: a.untagResource}},
		{"GET /2017-03-31/tags/{arn}", operation{name: "ListTags", maxBody: maxJSONBody, handle: a.listTags}},
		{"GET /gust/v1/code/{name}", operation{name: "GetFunctionCode", maxBody: 0, presign: true, handle: a.downloadCode}},
		{"GET /gust/v1/usage", operation{name: "GetUsage", maxBody: 0, handle: a.getUsage}},
	}
	for _, rt := range routes {
		op := rt.op
		op.service = "lambda"
		h := a.serve(op)
		mux.Handle(rt.pattern, h)
		mux.Handle(rt.pattern+"/{$}", h) // botocore adds a trailing slash to some URIs
	}
}

// NotFound answers paths no operation matches, as AWS does.
func NotFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Amzn-RequestId", newRequestID())
	writeError(w, apierror.New("UnknownOperationException", "Unknown operation %s %s", r.Method, r.URL.Path))
}
