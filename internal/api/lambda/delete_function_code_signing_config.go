package lambda

import "net/http"

func (a *API) deleteFunctionCodeSigningConfig(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.control.DeleteFunctionCodeSigningConfig(r.Context(), r.PathValue("name")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
