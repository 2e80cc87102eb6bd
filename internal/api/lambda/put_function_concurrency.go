package lambda

import "net/http"

func (a *API) putFunctionConcurrency(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in concurrency
	if err := decode(body, &in); err != nil {
		return err
	}
	n, err := a.control.PutFunctionConcurrency(r.Context(), r.PathValue("name"), in.ReservedConcurrentExecutions)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, concurrency{ReservedConcurrentExecutions: &n})
	return nil
}
