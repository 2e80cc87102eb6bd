package lambda

import (
	"net/http"

	"gust/internal/apierror"
)

type listFunctionsResponse struct {
	Functions  []functionConfiguration
	NextMarker string `json:",omitempty"`
}

func (a *API) listFunctions(w http.ResponseWriter, r *http.Request, _ []byte) error {
	q := r.URL.Query()
	maxItems, err := maxItemsParam(r)
	if err != nil {
		return err
	}
	if v := q.Get("FunctionVersion"); v != "" && v != "ALL" {
		return apierror.Validation("1 validation error detected: Value '%s' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]", v)
	}
	fns, next, err := a.control.List(r.Context(), q.Get("Marker"), maxItems)
	if err != nil {
		return err
	}
	out := listFunctionsResponse{Functions: make([]functionConfiguration, 0, len(fns)), NextMarker: next}
	for _, f := range fns {
		out.Functions = append(out.Functions, a.configuration(f))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
