package lambda

import (
	"net/http"

	"gust/internal/apierror"
)

func (a *API) createEventSourceMapping(w http.ResponseWriter, r *http.Request, body []byte) error {
	in, err := decodeMapping(body)
	if err != nil {
		return err
	}
	if in.FunctionName == nil || *in.FunctionName == "" {
		return apierror.Validation("1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null")
	}
	m, err := a.mappingsOrMissing().Create(r.Context(), in.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, a.mappingShape(m))
	return nil
}
