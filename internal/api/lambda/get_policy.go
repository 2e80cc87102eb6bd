package lambda

import (
	"net/http"

	"gust/internal/control"
)

func (a *API) getPolicy(w http.ResponseWriter, r *http.Request, _ []byte) error {
	p, err := a.control.GetPolicy(r.Context(), r.PathValue("name"), r.URL.Query().Get("Qualifier"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct{ Policy, RevisionId string }{control.RenderPolicy(p), p.RevisionID})
	return nil
}
