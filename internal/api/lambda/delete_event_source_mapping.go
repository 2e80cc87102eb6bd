package lambda

import "net/http"

func (a *API) deleteEventSourceMapping(w http.ResponseWriter, r *http.Request, _ []byte) error {
	m, err := a.mappingsOrMissing().Delete(r.Context(), r.PathValue("uuid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, a.mappingShape(m))
	return nil
}
