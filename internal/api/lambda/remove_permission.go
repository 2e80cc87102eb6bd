package lambda

import "net/http"

func (a *API) removePermission(w http.ResponseWriter, r *http.Request, _ []byte) error {
	q := r.URL.Query()
	if err := a.control.RemovePermission(r.Context(), r.PathValue("name"), q.Get("Qualifier"), r.PathValue("sid"), q.Get("RevisionId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
