package lambda

import (
	"net/http"

	"gust/internal/control"
)

func (a *API) updateAlias(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in control.AliasInput
	if err := decode(body, &in); err != nil {
		return err
	}
	in.FunctionName = r.PathValue("name")
	in.Name = r.PathValue("alias")
	al, err := a.control.UpdateAlias(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.alias(al))
	return nil
}
