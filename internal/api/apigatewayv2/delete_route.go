package apigatewayv2

import (
	"net/http"
	"slices"

	"gust/internal/httpapi"
)

func (a *API) deleteRoute(r *http.Request, _ []byte) (any, error) {
	_, err := a.change(r, func(api *httpapi.API) error {
		i := routeIndex(api, r.PathValue("routeId"))
		if i < 0 {
			return a.routeNotFound(r)
		}
		api.Routes = slices.Delete(api.Routes, i, i+1)
		api.AutoDeploy()
		return nil
	})
	return nil, err
}
