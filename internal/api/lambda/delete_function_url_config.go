package lambda

import "net/http"

func (a *API) deleteFunctionURLConfig(w http.ResponseWriter, r *http.Request, _ []byte) error {
	name, qualifier, err := a.urlTarget(r)
	if err != nil {
		return err
	}
	if err := a.urls.Delete(r.Context(), name, qualifier); err != nil {
		return urlNotFound(err)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
