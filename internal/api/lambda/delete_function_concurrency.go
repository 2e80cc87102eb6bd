package lambda

import "net/http"

func (a *API) deleteFunctionConcurrency(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.control.DeleteFunctionConcurrency(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
