package lambda

import "net/http"

func (a *API) putProvisionedConcurrencyConfig(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in struct{ ProvisionedConcurrentExecutions *int }
	if err := decode(body, &in); err != nil {
		return err
	}
	c, err := a.control.PutProvisionedConcurrency(r.Context(), r.PathValue("name"), r.URL.Query().Get("Qualifier"), in.ProvisionedConcurrentExecutions)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, a.provisionedStatus(r.Context(), c))
	return nil
}
