package lambda

import "net/http"

func (a *API) deleteAlias(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.control.DeleteAlias(r.Context(), r.PathValue("name"), r.PathValue("alias")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
