package lambda

import (
	"net/http"
)

func (a *API) untagResource(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.control.Untag(r.Context(), r.PathValue("arn"), r.URL.Query()["tagKeys"]); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
