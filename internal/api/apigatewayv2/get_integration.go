package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) getIntegration(r *http.Request, _ []byte) (any, error) {
	api, err := a.load(r)
	if err != nil {
		return nil, err
	}
	i := integrationIndex(api, r.PathValue("integrationId"))
	if i < 0 {
		return nil, a.integrationNotFound(r)
	}
	return api.Integrations[i], nil
}

func integrationIndex(api *httpapi.API, id string) int {
	for i, in := range api.Integrations {
		if in.ID == id {
			return i
		}
	}
	return -1
}

func (a *API) integrationNotFound(r *http.Request) error {
	return notFound("Invalid Integration identifier specified %s:%s", a.o.AccountID, r.PathValue("integrationId"))
}
