package lambda

import "net/http"

func (a *API) getFunctionEventInvokeConfig(w http.ResponseWriter, r *http.Request, _ []byte) error {
	c, err := a.control.GetEventInvokeConfig(r.Context(), r.PathValue("name"), r.URL.Query().Get("Qualifier"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.eventInvokeConfig(c))
	return nil
}
