package apigatewayv2

import (
	"net/http"
	"slices"

	"gust/internal/httpapi"
)

func (a *API) deleteStage(r *http.Request, _ []byte) (any, error) {
	_, err := a.change(r, func(api *httpapi.API) error {
		i := stageIndex(api, r.PathValue("stageName"))
		if i < 0 {
			return a.stageNotFound(r)
		}
		api.Stages = slices.Delete(api.Stages, i, i+1)
		return nil
	})
	return nil, err
}
