package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) getAuthorizers(r *http.Request, _ []byte) (any, error) {
	api, err := a.load(r)
	if err != nil {
		return nil, err
	}
	return items[httpapi.Authorizer]{Items: append([]httpapi.Authorizer{}, api.Authorizers...)}, nil
}
