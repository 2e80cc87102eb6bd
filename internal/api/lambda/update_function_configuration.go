package lambda

import (
	"net/http"

	"gust/internal/control"
)

func (a *API) updateFunctionConfiguration(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in control.UpdateFunctionConfigurationInput
	if err := decode(body, &in); err != nil {
		return err
	}
	in.FunctionName = r.PathValue("name")
	f, err := a.control.UpdateConfig(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.configuration(f))
	return nil
}
