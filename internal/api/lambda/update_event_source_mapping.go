package lambda

import "net/http"

func (a *API) updateEventSourceMapping(w http.ResponseWriter, r *http.Request, body []byte) error {
	in, err := decodeMapping(body)
	if err != nil {
		return err
	}
	m, err := a.mappingsOrMissing().Update(r.Context(), r.PathValue("uuid"), in.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, a.mappingShape(m))
	return nil
}
