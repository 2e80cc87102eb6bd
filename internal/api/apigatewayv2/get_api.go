package apigatewayv2

import "net/http"

func (a *API) getAPI(r *http.Request, _ []byte) (any, error) {
	api, err := a.load(r)
	if err != nil {
		return nil, err
	}
	return a.apiShape(api), nil
}
