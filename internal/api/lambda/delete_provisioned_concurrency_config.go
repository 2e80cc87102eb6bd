package lambda

import "net/http"

func (a *API) deleteProvisionedConcurrencyConfig(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.control.DeleteProvisionedConcurrency(r.Context(), r.PathValue("name"), r.URL.Query().Get("Qualifier")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
