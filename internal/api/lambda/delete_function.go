package lambda

import "net/http"

func (a *API) deleteFunction(w http.ResponseWriter, r *http.Request, _ []byte) error {
	qualifier := r.URL.Query().Get("Qualifier")
	// A deleted function takes its URLs (its own and its aliases') along.
	name, urlQualifiers := a.urlQualifiers(r.Context(), r.PathValue("name"), qualifier)
	if err := a.control.Delete(r.Context(), r.PathValue("name"), qualifier); err != nil {
		return err
	}
	a.dropURLs(r.Context(), name, urlQualifiers...)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
