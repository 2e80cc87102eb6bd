package lambda

import (
	"net/http"
	"net/url"
	"time"

	"gust/internal/api/sigv4"
	"gust/internal/control"
)

type functionCodeLocation struct {
	RepositoryType string
	Location       string
}

type getFunctionResponse struct {
	Configuration functionConfiguration
	Code          functionCodeLocation
	Tags          map[string]string `json:",omitempty"`
	Concurrency   *concurrency      `json:",omitempty"`
}

func (a *API) getFunction(w http.ResponseWriter, r *http.Request, _ []byte) error {
	f, err := a.control.Get(r.Context(), r.PathValue("name"), r.URL.Query().Get("Qualifier"))
	if err != nil {
		return err
	}
	loc, err := a.codeLocation(r, f)
	if err != nil {
		return err
	}
	c := a.configuration(f)
	if alias := a.control.AliasOf(r.PathValue("name"), r.URL.Query().Get("Qualifier")); alias != "" {
		c.FunctionArn = a.control.FunctionARN(f.Name) + ":" + alias
	}
	out := getFunctionResponse{
		Configuration: c,
		Code:          functionCodeLocation{RepositoryType: "S3", Location: loc},
		Tags:          f.Tags,
	}
	if res, err := a.control.Reservations(r.Context()); err == nil {
		if n, ok := res.Of(f.Name); ok {
			out.Concurrency = &concurrency{ReservedConcurrentExecutions: &n}
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// codeLocation is a presigned URL on this server that serves the package:
// the Host the client used, so the URL is reachable from where it called.
func (a *API) codeLocation(r *http.Request, f control.Function) (string, error) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: r.Host, Path: "/gust/v1/code/" + f.Name, RawQuery: "sha256=" + f.CodeSha256}
	return sigv4.Presign(u.String(), a.keyID, a.secret, a.control.Region(), "lambda", codeURLLifetime, time.Now())
}
