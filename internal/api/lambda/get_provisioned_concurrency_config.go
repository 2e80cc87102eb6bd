package lambda

import "net/http"

// getProvisionedConcurrencyConfig also serves ListProvisionedConcurrencyConfigs,
// which shares its path and differs by the List=ALL query parameter.
func (a *API) getProvisionedConcurrencyConfig(w http.ResponseWriter, r *http.Request, body []byte) error {
	if r.URL.Query().Get("List") == "ALL" {
		return a.listProvisionedConcurrencyConfigs(w, r, body)
	}
	c, err := a.control.GetProvisionedConcurrency(r.Context(), r.PathValue("name"), r.URL.Query().Get("Qualifier"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.provisionedStatus(r.Context(), c))
	return nil
}
