package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) getStages(r *http.Request, _ []byte) (any, error) {
	api, err := a.load(r)
	if err != nil {
		return nil, err
	}
	return items[httpapi.Stage]{Items: append([]httpapi.Stage{}, api.Stages...)}, nil
}
