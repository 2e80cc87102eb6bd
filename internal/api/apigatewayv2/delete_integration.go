package apigatewayv2

import (
	"net/http"
	"slices"

	"gust/internal/httpapi"
)

func (a *API) deleteIntegration(r *http.Request, _ []byte) (any, error) {
	_, err := a.change(r, func(api *httpapi.API) error {
		id := r.PathValue("integrationId")
		i := integrationIndex(api, id)
		if i < 0 {
			return a.integrationNotFound(r)
		}
		for _, rt := range api.Routes {
			if rt.Target == "integrations/"+id {
				return conflict("Cannot delete integration %s: route %s targets it", id, rt.RouteKey)
			}
		}
		api.Integrations = slices.Delete(api.Integrations, i, i+1)
		api.AutoDeploy()
		return nil
	})
	return nil, err
}
