package lambda

import "net/http"

func (a *API) deleteCodeSigningConfig(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.control.DeleteCodeSigningConfig(r.Context(), r.PathValue("arn")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
