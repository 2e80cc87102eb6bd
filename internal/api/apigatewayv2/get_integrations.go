package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) getIntegrations(r *http.Request, _ []byte) (any, error) {
	api, err := a.load(r)
	if err != nil {
		return nil, err
	}
	return items[httpapi.Integration]{Items: append([]httpapi.Integration{}, api.Integrations...)}, nil
}
