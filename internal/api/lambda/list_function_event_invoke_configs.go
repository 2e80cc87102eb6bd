package lambda

import "net/http"

type listEventInvokeConfigsResponse struct {
	FunctionEventInvokeConfigs []functionEventInvokeConfig
	NextMarker                 string `json:",omitempty"`
}

func (a *API) listFunctionEventInvokeConfigs(w http.ResponseWriter, r *http.Request, _ []byte) error {
	maxItems, err := maxItemsParam(r)
	if err != nil {
		return err
	}
	configs, next, err := a.control.ListEventInvokeConfigs(r.Context(), r.PathValue("name"), r.URL.Query().Get("Marker"), maxItems)
	if err != nil {
		return err
	}
	out := listEventInvokeConfigsResponse{FunctionEventInvokeConfigs: make([]functionEventInvokeConfig, 0, len(configs)), NextMarker: next}
	for _, c := range configs {
		out.FunctionEventInvokeConfigs = append(out.FunctionEventInvokeConfigs, a.eventInvokeConfig(c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
