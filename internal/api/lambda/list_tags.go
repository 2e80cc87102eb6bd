package lambda

import (
	"net/http"
)

func (a *API) listTags(w http.ResponseWriter, r *http.Request, _ []byte) error {
	tags, err := a.control.Tags(r.Context(), r.PathValue("arn"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tagsBody{Tags: tags})
	return nil
}
