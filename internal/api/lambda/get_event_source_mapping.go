package lambda

import "net/http"

func (a *API) getEventSourceMapping(w http.ResponseWriter, r *http.Request, _ []byte) error {
	m, err := a.mappingsOrMissing().Get(r.Context(), r.PathValue("uuid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.mappingShape(m))
	return nil
}
