package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) updateRoute(r *http.Request, body []byte) (any, error) {
	var in routeInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var out httpapi.Route
	_, err := a.change(r, func(api *httpapi.API) error {
		i := routeIndex(api, r.PathValue("routeId"))
		if i < 0 {
			return a.routeNotFound(r)
		}
		route := api.Routes[i]
		if err := applyRoute(api, &route, in); err != nil {
			return err
		}
		api.Routes[i], out = route, route
		api.AutoDeploy()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
