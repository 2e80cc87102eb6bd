package apigatewayv2

import "net/http"

func (a *API) getDeployments(r *http.Request, _ []byte) (any, error) {
	api, err := a.load(r)
	if err != nil {
		return nil, err
	}
	out := items[deploymentShape]{Items: []deploymentShape{}}
	for _, d := range api.Deployments {
		out.Items = append(out.Items, deploymentOf(d))
	}
	return out, nil
}
