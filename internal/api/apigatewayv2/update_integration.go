package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) updateIntegration(r *http.Request, body []byte) (any, error) {
	var in integrationInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var out httpapi.Integration
	_, err := a.change(r, func(api *httpapi.API) error {
		i := integrationIndex(api, r.PathValue("integrationId"))
		if i < 0 {
			return a.integrationNotFound(r)
		}
		integ := api.Integrations[i]
		if err := applyIntegration(&integ, in); err != nil {
			return err
		}
		api.Integrations[i], out = integ, integ
		api.AutoDeploy()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
