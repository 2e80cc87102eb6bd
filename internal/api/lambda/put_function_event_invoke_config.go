package lambda

import (
	"context"
	"net/http"

	"gust/internal/control"
)

func (a *API) putFunctionEventInvokeConfig(w http.ResponseWriter, r *http.Request, body []byte) error {
	return a.writeEventInvokeConfig(w, r, body, a.control.PutEventInvokeConfig)
}

// writeEventInvokeConfig decodes a Put or Update request and applies it.
func (a *API) writeEventInvokeConfig(w http.ResponseWriter, r *http.Request, body []byte, apply func(ctx context.Context, in control.EventInvokeConfigInput) (control.EventInvokeConfig, error)) error {
	var in control.EventInvokeConfigInput
	if err := decode(body, &in); err != nil {
		return err
	}
	in.FunctionName = r.PathValue("name")
	in.Qualifier = r.URL.Query().Get("Qualifier")
	c, err := apply(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.eventInvokeConfig(c))
	return nil
}
