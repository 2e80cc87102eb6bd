package apigatewayv2

import (
	"net/http"
	"slices"

	"gust/internal/httpapi"
)

func (a *API) deleteAuthorizer(r *http.Request, _ []byte) (any, error) {
	_, err := a.change(r, func(api *httpapi.API) error {
		id := r.PathValue("authorizerId")
		i := authorizerIndex(api, id)
		if i < 0 {
			return a.authorizerNotFound(id)
		}
		for _, rt := range api.Routes {
			if rt.AuthorizerID == id {
				return conflict("Cannot delete authorizer %s: route %s uses it", id, rt.RouteKey)
			}
		}
		api.Authorizers = slices.Delete(api.Authorizers, i, i+1)
		api.AutoDeploy()
		return nil
	})
	return nil, err
}
