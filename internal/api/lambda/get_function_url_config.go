package lambda

import "net/http"

func (a *API) getFunctionURLConfig(w http.ResponseWriter, r *http.Request, _ []byte) error {
	name, qualifier, err := a.urlTarget(r)
	if err != nil {
		return err
	}
	c, err := a.urls.Get(r.Context(), a.urls.URLID(name, qualifier))
	if err != nil {
		return urlNotFound(err)
	}
	writeJSON(w, http.StatusOK, a.urlShape(c, true))
	return nil
}
