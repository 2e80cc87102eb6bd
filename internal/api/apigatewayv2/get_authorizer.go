package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) getAuthorizer(r *http.Request, _ []byte) (any, error) {
	api, err := a.load(r)
	if err != nil {
		return nil, err
	}
	i := authorizerIndex(api, r.PathValue("authorizerId"))
	if i < 0 {
		return nil, a.authorizerNotFound(r.PathValue("authorizerId"))
	}
	return api.Authorizers[i], nil
}

func authorizerIndex(api *httpapi.API, id string) int {
	for i, au := range api.Authorizers {
		if au.ID == id {
			return i
		}
	}
	return -1
}

func (a *API) authorizerNotFound(id string) error {
	return notFound("Invalid Authorizer identifier specified %s:%s", a.o.AccountID, id)
}
