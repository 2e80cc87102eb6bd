package lambda

import (
	"net/http"

	"gust/internal/control"
)

func (a *API) createAlias(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in control.AliasInput
	if err := decode(body, &in); err != nil {
		return err
	}
	in.FunctionName = r.PathValue("name")
	al, err := a.control.CreateAlias(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a.alias(al))
	return nil
}
