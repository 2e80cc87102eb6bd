package lambda

import (
	"net/http"

	"gust/internal/control"
)

func (a *API) getRuntimeManagementConfig(w http.ResponseWriter, r *http.Request, _ []byte) error {
	c, err := a.control.GetRuntimeManagement(r.Context(), r.PathValue("name"), r.URL.Query().Get("Qualifier"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) putRuntimeManagementConfig(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in control.RuntimeManagement
	if err := decode(body, &in); err != nil {
		return err
	}
	c, err := a.control.PutRuntimeManagement(r.Context(), r.PathValue("name"), r.URL.Query().Get("Qualifier"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
