package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) createDeployment(r *http.Request, body []byte) (any, error) {
	var in struct {
		Description *string `json:"description"`
		StageName   *string `json:"stageName"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var d httpapi.Deployment
	_, err := a.change(r, func(api *httpapi.API) error {
		i := -1
		if in.StageName != nil {
			if i = stageIndex(api, *in.StageName); i < 0 {
				return notFound("Invalid stage identifier specified")
			}
			if api.Stages[i].AutoDeploy {
				return badRequest("Stage %s has auto deploy enabled: deployments are created automatically", *in.StageName)
			}
		}
		desc := ""
		if in.Description != nil {
			desc = *in.Description
		}
		d = api.Deploy(desc, false)
		if i >= 0 {
			api.Stages[i].DeploymentID = d.ID
			api.Stages[i].LastUpdated = now()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return deploymentOf(d), nil
}
