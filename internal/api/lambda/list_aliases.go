package lambda

import "net/http"

type listAliasesResponse struct {
	Aliases    []aliasConfiguration
	NextMarker string `json:",omitempty"`
}

func (a *API) listAliases(w http.ResponseWriter, r *http.Request, _ []byte) error {
	maxItems, err := maxItemsParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	aliases, next, err := a.control.ListAliases(r.Context(), r.PathValue("name"), q.Get("FunctionVersion"), q.Get("Marker"), maxItems)
	if err != nil {
		return err
	}
	out := listAliasesResponse{Aliases: make([]aliasConfiguration, 0, len(aliases)), NextMarker: next}
	for _, al := range aliases {
		out.Aliases = append(out.Aliases, a.alias(al))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
