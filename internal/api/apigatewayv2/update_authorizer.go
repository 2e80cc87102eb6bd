package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) updateAuthorizer(r *http.Request, body []byte) (any, error) {
	var in authorizerInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var out httpapi.Authorizer
	_, err := a.change(r, func(api *httpapi.API) error {
		id := r.PathValue("authorizerId")
		i := authorizerIndex(api, id)
		if i < 0 {
			return a.authorizerNotFound(id)
		}
		au := api.Authorizers[i]
		if err := applyAuthorizer(&au, in); err != nil {
			return err
		}
		if err := checkAuthorizer(au); err != nil {
			return err
		}
		api.Authorizers[i], out = au, au
		api.AutoDeploy()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
