package lambda

import (
	"net/http"
)

func (a *API) tagResource(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in tagsBody
	if err := decode(body, &in); err != nil {
		return err
	}
	if err := a.control.Tag(r.Context(), r.PathValue("arn"), in.Tags); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
