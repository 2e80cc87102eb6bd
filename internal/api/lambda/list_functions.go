package lambda

import (
	"net/http"

	"gust/internal/apierror"
)

// maxListedVersions bounds the versions ListFunctions(FunctionVersion=ALL)
// shows of one function.
const maxListedVersions = 10000

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
	all := q.Get("FunctionVersion")
	if all != "" && all != "ALL" {
		return apierror.Validation("1 validation error detected: Value '%s' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]", all)
	}
	fns, next, err := a.control.List(r.Context(), q.Get("Marker"), maxItems)
	if err != nil {
		return err
	}
	out := listFunctionsResponse{Functions: make([]functionConfiguration, 0, len(fns)), NextMarker: next}
	for _, f := range fns {
		if all == "" {
			out.Functions = append(out.Functions, a.listEntry(f))
			continue
		}
		// FunctionVersion=ALL lists every version of each function of the
		// page, $LATEST first.
		versions, _, err := a.control.ListVersions(r.Context(), f.Name, "", maxListedVersions)
		if err != nil {
			return err
		}
		for _, v := range versions {
			out.Functions = append(out.Functions, a.versionEntry(v))
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
