package apigatewayv2

import "net/http"

func (a *API) getDeployment(r *http.Request, _ []byte) (any, error) {
	api, err := a.load(r)
	if err != nil {
		return nil, err
	}
	d, ok := api.Deployment(r.PathValue("deploymentId"))
	if !ok {
		return nil, a.deploymentNotFound(r)
	}
	return deploymentOf(*d), nil
}

func (a *API) deploymentNotFound(r *http.Request) error {
	return notFound("Invalid Deployment identifier specified %s:%s", a.o.AccountID, r.PathValue("deploymentId"))
}
