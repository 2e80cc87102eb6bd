package apigatewayv2

import (
	"net/http"
	"regexp"

	"gust/internal/httpapi"
)

type stageInput struct {
	StageName            *string                          `json:"stageName"`
	Description          *string                          `json:"description"`
	AutoDeploy           *bool                            `json:"autoDeploy"`
	DeploymentID         *string                          `json:"deploymentId"`
	StageVariables       map[string]string                `json:"stageVariables"`
	DefaultRouteSettings *httpapi.RouteSettings           `json:"defaultRouteSettings"`
	RouteSettings        map[string]httpapi.RouteSettings `json:"routeSettings"`
	Tags                 map[string]string                `json:"tags"`
}

var stageName = regexp.MustCompile(`^(\$default|[A-Za-z0-9_-]{1,128})$`)
var stageVarName = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)

func (a *API) createStage(r *http.Request, body []byte) (any, error) {
	var in stageInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.StageName == nil {
		return nil, badRequest("StageName is required")
	}
	if !stageName.MatchString(*in.StageName) {
		return nil, badRequest("Stage name only allows a-zA-Z0-9_- or $default: %s", *in.StageName)
	}
	t := now()
	st := httpapi.Stage{Name: *in.StageName, Created: t, LastUpdated: t, RouteSettings: map[string]httpapi.RouteSettings{}, Tags: map[string]string{}}
	if in.Tags != nil {
		st.Tags = in.Tags
	}
	_, err := a.change(r, func(api *httpapi.API) error {
		for _, other := range api.Stages {
			if other.Name == st.Name {
				return conflict("Stage %s already exists", st.Name)
			}
		}
		if err := applyStage(api, &st, in); err != nil {
			return err
		}
		api.Stages = append(api.Stages, st)
		if st.AutoDeploy && st.DeploymentID == "" {
			api.AutoDeploy()
			st = api.Stages[len(api.Stages)-1]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// applyStage checks in against api and sets it on st, as CreateStage and
// UpdateStage do.
func applyStage(api *httpapi.API, st *httpapi.Stage, in stageInput) error {
	if in.Description != nil {
		st.Description = *in.Description
	}
	if in.AutoDeploy != nil {
		st.AutoDeploy = *in.AutoDeploy
	}
	if in.DeploymentID != nil {
		if _, ok := api.Deployment(*in.DeploymentID); !ok {
			return notFound("Invalid Deployment identifier specified %s", *in.DeploymentID)
		}
		st.DeploymentID = *in.DeploymentID
	}
	if in.StageVariables != nil {
		for k, v := range in.StageVariables {
			if !stageVarName.MatchString(k) || len(v) > 2048 {
				return badRequest("Stage variable names must match [A-Za-z0-9_]{1,64} and values be at most 2048 characters: %s", k)
			}
		}
		st.StageVariables = in.StageVariables
	}
	if in.DefaultRouteSettings != nil {
		st.DefaultRouteSettings = *in.DefaultRouteSettings
	}
	if in.RouteSettings != nil {
		st.RouteSettings = in.RouteSettings
	}
	st.LastUpdated = now()
	return nil
}
