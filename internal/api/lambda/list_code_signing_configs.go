package lambda

import "net/http"

func (a *API) listCodeSigningConfigs(w http.ResponseWriter, r *http.Request, _ []byte) error {
	maxItems, err := maxItemsParam(r)
	if err != nil {
		return err
	}
	cs, next, err := a.control.ListCodeSigningConfigs(r.Context(), r.URL.Query().Get("Marker"), maxItems)
	if err != nil {
		return err
	}
	out := struct {
		CodeSigningConfigs []codeSigningConfig
		NextMarker         string `json:",omitempty"`
	}{CodeSigningConfigs: make([]codeSigningConfig, 0, len(cs)), NextMarker: next}
	for _, c := range cs {
		out.CodeSigningConfigs = append(out.CodeSigningConfigs, codeSigningShape(c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
