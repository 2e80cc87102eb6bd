package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) deleteCorsConfiguration(r *http.Request, _ []byte) (any, error) {
	_, err := a.change(r, func(api *httpapi.API) error {
		if api.Cors == nil {
			return notFound("Unable to find CORS configuration for API %s", api.ID)
		}
		api.Cors = nil
		return nil
	})
	return nil, err
}
