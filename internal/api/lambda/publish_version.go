package lambda

import (
	"net/http"

	"gust/internal/control"
)

func (a *API) publishVersion(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in control.PublishVersionInput
	if err := decode(body, &in); err != nil {
		return err
	}
	in.FunctionName = r.PathValue("name")
	f, err := a.control.Publish(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a.configuration(f))
	return nil
}
