package lambda

import "net/http"

func (a *API) getFunctionConcurrency(w http.ResponseWriter, r *http.Request, _ []byte) error {
	n, ok, err := a.control.GetFunctionConcurrency(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	out := concurrency{}
	if ok {
		out.ReservedConcurrentExecutions = &n
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
