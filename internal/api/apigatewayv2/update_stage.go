package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) updateStage(r *http.Request, body []byte) (any, error) {
	var in stageInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	var out httpapi.Stage
	_, err := a.change(r, func(api *httpapi.API) error {
		i := stageIndex(api, r.PathValue("stageName"))
		if i < 0 {
			return a.stageNotFound(r)
		}
		st := api.Stages[i]
		if err := applyStage(api, &st, in); err != nil {
			return err
		}
		api.Stages[i] = st
		if in.AutoDeploy != nil && *in.AutoDeploy {
			api.AutoDeploy()
		}
		out = api.Stages[i]
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
