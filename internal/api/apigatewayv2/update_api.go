package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

func (a *API) updateAPI(r *http.Request, body []byte) (any, error) {
	var in createAPIInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Name != nil && (*in.Name == "" || len(*in.Name) > 128) {
		return nil, badRequest("Invalid API name specified")
	}
	if in.Target != nil || in.RouteKey != nil {
		return nil, badRequest("Target and RouteKey can only be specified when creating an API")
	}
	api, err := a.change(r, func(api *httpapi.API) error {
		if in.Name != nil {
			api.Name = *in.Name
		}
		return applyAPIFields(api, in)
	})
	if err != nil {
		return nil, err
	}
	return a.apiShape(api), nil
}
