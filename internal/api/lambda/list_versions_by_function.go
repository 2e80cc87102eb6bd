package lambda

import (
	"net/http"
)

type listVersionsResponse struct {
	Versions   []functionConfiguration
	NextMarker string `json:",omitempty"`
}

func (a *API) listVersionsByFunction(w http.ResponseWriter, r *http.Request, _ []byte) error {
	maxItems, err := maxItemsParam(r)
	if err != nil {
		return err
	}
	fns, next, err := a.control.ListVersions(r.Context(), r.PathValue("name"), r.URL.Query().Get("Marker"), maxItems)
	if err != nil {
		return err
	}
	out := listVersionsResponse{Versions: make([]functionConfiguration, 0, len(fns)), NextMarker: next}
	for _, f := range fns {
		out.Versions = append(out.Versions, a.versionEntry(f))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
