package apigatewayv2

import (
	"net/http"
	"strings"

	"gust/internal/httpapi"
)

type routeInput struct {
	RouteKey            *string  `json:"routeKey"`
	Target              *string  `json:"target"`
	AuthorizationType   *string  `json:"authorizationType"`
	AuthorizerID        *string  `json:"authorizerId"`
	AuthorizationScopes []string `json:"authorizationScopes"`
	APIKeyRequired      *bool    `json:"apiKeyRequired"`
	OperationName       *string  `json:"operationName"`
}

func (a *API) createRoute(r *http.Request, body []byte) (any, error) {
	var in routeInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.RouteKey == nil {
		return nil, badRequest("RouteKey is required")
	}
	route := httpapi.Route{ID: httpapi.NewID(7), AuthorizationType: "NONE"}
	_, err := a.change(r, func(api *httpapi.API) error {
		if err := applyRoute(api, &route, in); err != nil {
			return err
		}
		api.Routes = append(api.Routes, route)
		api.AutoDeploy()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route, nil
}

// applyRoute checks in against api and sets it on route, as CreateRoute and
// UpdateRoute do.
func applyRoute(api *httpapi.API, route *httpapi.Route, in routeInput) error {
	if in.RouteKey != nil {
		if _, _, err := httpapi.ParseRouteKey(*in.RouteKey); err != nil {
			return badRequest("Unable to create route. The route key %q is invalid: it must be $default, or an HTTP method (or ANY) followed by a space and a path starting with /; a greedy path variable {name+} must be the last segment.", *in.RouteKey)
		}
		for _, other := range api.Routes {
			if other.RouteKey == *in.RouteKey && other.ID != route.ID {
				return conflict("Unable to create route %s. A route with this key already exists on API %s.", *in.RouteKey, api.ID)
			}
		}
		route.RouteKey = *in.RouteKey
	}
	if in.Target != nil {
		id, ok := strings.CutPrefix(*in.Target, "integrations/")
		found := false
		for _, integ := range api.Integrations {
			found = found || (ok && integ.ID == id)
		}
		if !found {
			return badRequest("Invalid target %s: the target must be integrations/<id> of an integration of API %s", *in.Target, api.ID)
		}
		route.Target = *in.Target
	}
	if in.AuthorizationType != nil {
		switch *in.AuthorizationType {
		case "NONE":
			route.AuthorizerID = ""
		case "CUSTOM", "JWT", "AWS_IAM":
			return badRequest("Authorization type %s is not supported by Gust yet", *in.AuthorizationType)
		default:
			return badRequest("Invalid authorization type specified: %s", *in.AuthorizationType)
		}
		route.AuthorizationType = *in.AuthorizationType
	}
	if in.AuthorizerID != nil {
		return badRequest("Invalid authorizer identifier specified %s", *in.AuthorizerID)
	}
	if in.APIKeyRequired != nil {
		if *in.APIKeyRequired {
			return badRequest("API keys are not supported for HTTP APIs")
		}
		route.APIKeyRequired = false
	}
	if in.OperationName != nil {
		route.OperationName = *in.OperationName
	}
	return nil
}
