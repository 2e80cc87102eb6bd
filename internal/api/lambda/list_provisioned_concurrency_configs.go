package lambda

import "net/http"

type listProvisionedResponse struct {
	ProvisionedConcurrencyConfigs []provisionedConcurrencyConfig
	NextMarker                    string `json:",omitempty"`
}

func (a *API) listProvisionedConcurrencyConfigs(w http.ResponseWriter, r *http.Request, _ []byte) error {
	maxItems, err := maxItemsParam(r)
	if err != nil {
		return err
	}
	configs, next, err := a.control.ListProvisionedConcurrency(r.Context(), r.PathValue("name"), r.URL.Query().Get("Marker"), maxItems)
	if err != nil {
		return err
	}
	out := listProvisionedResponse{ProvisionedConcurrencyConfigs: make([]provisionedConcurrencyConfig, 0, len(configs)), NextMarker: next}
	for _, c := range configs {
		item := a.provisionedStatus(r.Context(), c)
		item.FunctionArn = a.control.FunctionARN(c.Function) + ":" + c.Qualifier
		out.ProvisionedConcurrencyConfigs = append(out.ProvisionedConcurrencyConfigs, item)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
