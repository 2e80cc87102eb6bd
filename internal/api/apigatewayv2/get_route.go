package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) getRoute(r *http.Request, _ []byte) (any, error) {
	api, err := a.load(r)
	if err != nil {
		return nil, err
	}
	i := routeIndex(api, r.PathValue("routeId"))
	if i < 0 {
		return nil, a.routeNotFound(r)
	}
	return api.Routes[i], nil
}

func routeIndex(api *httpapi.API, id string) int {
	for i, rt := range api.Routes {
		if rt.ID == id {
			return i
		}
	}
	return -1
}

func (a *API) routeNotFound(r *http.Request) error {
	return notFound("Invalid Route identifier specified %s:%s", a.o.AccountID, r.PathValue("routeId"))
}
