package lambda

import "net/http"

func (a *API) listFunctionsByCodeSigningConfig(w http.ResponseWriter, r *http.Request, _ []byte) error {
	maxItems, err := maxItemsParam(r)
	if err != nil {
		return err
	}
	arns, next, err := a.control.ListFunctionsByCodeSigningConfig(r.Context(), r.PathValue("arn"), r.URL.Query().Get("Marker"), maxItems)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		FunctionArns []string
		NextMarker   string `json:",omitempty"`
	}{FunctionArns: append([]string{}, arns...), NextMarker: next})
	return nil
}
