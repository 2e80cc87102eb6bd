package lambda

import (
	"net/http"
)

type tagsBody struct {
	Tags map[string]string
}

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

func (a *API) untagResource(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if err := a.control.Untag(r.Context(), r.PathValue("arn"), r.URL.Query()["tagKeys"]); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) listTags(w http.ResponseWriter, r *http.Request, _ []byte) error {
	tags, err := a.control.Tags(r.Context(), r.PathValue("arn"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tagsBody{Tags: tags})
	return nil
}
