package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) getStage(r *http.Request, _ []byte) (any, error) {
	api, err := a.load(r)
	if err != nil {
		return nil, err
	}
	i := stageIndex(api, r.PathValue("stageName"))
	if i < 0 {
		return nil, a.stageNotFound(r)
	}
	return api.Stages[i], nil
}

func stageIndex(api *httpapi.API, name string) int {
	for i, st := range api.Stages {
		if st.Name == name {
			return i
		}
	}
	return -1
}

func (a *API) stageNotFound(r *http.Request) error {
	return notFound("Invalid stage identifier specified")
}
