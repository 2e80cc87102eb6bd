package lambda

import "net/http"

func (a *API) deleteAlias(w http.ResponseWriter, r *http.Request, _ []byte) error {
	name, _ := a.urlQualifiers(r.Context(), r.PathValue("name"), "")
	if err := a.control.DeleteAlias(r.Context(), r.PathValue("name"), r.PathValue("alias")); err != nil {
		return err
	}
	a.dropURLs(r.Context(), name, r.PathValue("alias"))
	w.WriteHeader(http.StatusNoContent)
	return nil
}
