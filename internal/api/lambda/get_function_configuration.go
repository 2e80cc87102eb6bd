package lambda

import "net/http"

func (a *API) getFunctionConfiguration(w http.ResponseWriter, r *http.Request, _ []byte) error {
	f, err := a.control.Get(r.Context(), r.PathValue("name"), r.URL.Query().Get("Qualifier"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.configuration(f))
	return nil
}
