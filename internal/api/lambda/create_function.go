package lambda

import (
	"net/http"

	"gust/internal/control"
)

func (a *API) createFunction(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in control.CreateFunctionInput
	if err := decode(body, &in); err != nil {
		return err
	}
	f, err := a.control.Create(r.Context(), in)
	if err != nil {
		return err
	}
	c := a.configuration(f)
	c.FunctionArn = a.control.FunctionARN(f.Name) // unqualified even when a version was published
	writeJSON(w, http.StatusCreated, c)
	return nil
}
