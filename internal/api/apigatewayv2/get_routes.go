package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) getRoutes(r *http.Request, _ []byte) (any, error) {
	api, err := a.load(r)
	if err != nil {
		return nil, err
	}
	return items[httpapi.Route]{Items: append([]httpapi.Route{}, api.Routes...)}, nil
}
