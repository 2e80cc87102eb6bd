package lambda

import "net/http"

func (a *API) getAlias(w http.ResponseWriter, r *http.Request, _ []byte) error {
	al, err := a.control.GetAlias(r.Context(), r.PathValue("name"), r.PathValue("alias"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.alias(al))
	return nil
}
