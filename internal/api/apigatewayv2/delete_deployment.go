package apigatewayv2

import (
	"net/http"
	"slices"

	"gust/internal/httpapi"
)

func (a *API) deleteDeployment(r *http.Request, _ []byte) (any, error) {
	_, err := a.change(r, func(api *httpapi.API) error {
		id := r.PathValue("deploymentId")
		if _, ok := api.Deployment(id); !ok {
			return a.deploymentNotFound(r)
		}
		for _, st := range api.Stages {
			if st.DeploymentID == id {
				return badRequest("Active stages pointing to this deployment must be moved or deleted")
			}
		}
		api.Deployments = slices.DeleteFunc(api.Deployments, func(d httpapi.Deployment) bool { return d.ID == id })
		return nil
	})
	return nil, err
}
