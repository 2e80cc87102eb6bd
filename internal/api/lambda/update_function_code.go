package lambda

import (
	"net/http"

	"gust/internal/control"
)

func (a *API) updateFunctionCode(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in control.UpdateFunctionCodeInput
	if err := decode(body, &in); err != nil {
		return err
	}
	in.FunctionName = r.PathValue("name")
	f, err := a.control.UpdateCode(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.configuration(f))
	return nil
}
