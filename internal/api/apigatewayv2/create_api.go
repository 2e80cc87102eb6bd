package apigatewayv2

import (
	"net/http"

	"gust/internal/httpapi"
)

type createAPIInput struct {
	Name                      *string           `json:"name"`
	ProtocolType              *string           `json:"protocolType"`
	Description               *string           `json:"description"`
	Version                   *string           `json:"version"`
	CorsConfiguration         *httpapi.Cors     `json:"corsConfiguration"`
	DisableExecuteAPIEndpoint *bool             `json:"disableExecuteApiEndpoint"`
	RouteSelectionExpression  *string           `json:"routeSelectionExpression"`
	APIKeySelectionExpression *string           `json:"apiKeySelectionExpression"`
	IPAddressType             *string           `json:"ipAddressType"`
	Tags                      map[string]string `json:"tags"`
	Target                    *string           `json:"target"`
	RouteKey                  *string           `json:"routeKey"`
	CredentialsArn            *string           `json:"credentialsArn"`
}

func (a *API) createAPI(r *http.Request, body []byte) (any, error) {
	var in createAPIInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.Name == nil || *in.Name == "" || len(*in.Name) > 128 {
		return nil, badRequest("Invalid API name specified")
	}
	if in.ProtocolType == nil {
		return nil, badRequest("ProtocolType is required")
	}
	if *in.ProtocolType != "HTTP" {
		return nil, badRequest("Invalid protocol type specified: only HTTP APIs are supported")
	}
	api := &httpapi.API{
		Name: *in.Name, ProtocolType: "HTTP", RouteSelectionExpression: "$request.method $request.path",
		APIKeySelectionExpression: "$request.header.x-api-key", IPAddressType: "ipv4", Created: now(), Tags: in.Tags,
	}
	if api.Tags == nil {
		api.Tags = map[string]string{}
	}
	if err := applyAPIFields(api, in); err != nil {
		return nil, err
	}
	if in.Target != nil {
		if err := quickCreate(api, *in.Target, in.RouteKey); err != nil {
			return nil, err
		}
	} else if in.RouteKey != nil {
		return nil, badRequest("RouteKey can only be specified with Target for quick create")
	}
	if err := a.o.Store.Create(r.Context(), api); err != nil {
		return nil, err
	}
	return a.apiShape(api), nil
}

// applyAPIFields sets the fields CreateApi and UpdateApi share.
func applyAPIFields(api *httpapi.API, in createAPIInput) error {
	if in.Description != nil {
		if len(*in.Description) > 1024 {
			return badRequest("Description must be at most 1024 characters")
		}
		api.Description = *in.Description
	}
	if in.Version != nil {
		api.Version = *in.Version
	}
	if in.DisableExecuteAPIEndpoint != nil {
		api.DisableExecuteAPIEndpoint = *in.DisableExecuteAPIEndpoint
	}
	if in.RouteSelectionExpression != nil && *in.RouteSelectionExpression != "$request.method $request.path" {
		return badRequest("Invalid route selection expression specified: HTTP APIs only support $request.method $request.path")
	}
	if in.IPAddressType != nil {
		if *in.IPAddressType != "ipv4" && *in.IPAddressType != "dualstack" {
			return badRequest("Invalid IP address type specified")
		}
		api.IPAddressType = *in.IPAddressType
	}
	if in.CorsConfiguration != nil {
		if err := checkCors(in.CorsConfiguration); err != nil {
			return err
		}
		api.Cors = in.CorsConfiguration
	}
	return nil
}

func checkCors(c *httpapi.Cors) error {
	if c.MaxAge != nil && (*c.MaxAge < -1 || *c.MaxAge > 86400) {
		return badRequest("Invalid CORS max age specified")
	}
	if c.AllowCredentials {
		for _, o := range c.AllowOrigins {
			if o == "*" {
				return badRequest("allow-credentials is not supported with allow-origins containing '*'")
			}
		}
	}
	return nil
}

// quickCreate adds what CreateApi's Target makes: an AWS_PROXY integration
// (payload 2.0), a route to it (RouteKey or $default) and the $default
// stage, deployed automatically.
func quickCreate(api *httpapi.API, target string, routeKey *string) error {
	if _, ok := functionARN(target); !ok {
		return badRequest("Invalid target specified: %s", target)
	}
	key := httpapi.DefaultRouteKey
	if routeKey != nil {
		key = *routeKey
		if _, _, err := httpapi.ParseRouteKey(key); err != nil {
			return badRequest("Unable to create route. Route key is invalid: %s", key)
		}
	}
	integ := httpapi.Integration{ID: httpapi.NewID(7), IntegrationType: "AWS_PROXY", IntegrationURI: target, IntegrationMethod: "POST",
		ConnectionType: "INTERNET", PayloadFormatVersion: "2.0", TimeoutInMillis: 30000, APIGatewayManaged: true}
	api.Integrations = append(api.Integrations, integ)
	api.Routes = append(api.Routes, httpapi.Route{ID: httpapi.NewID(7), RouteKey: key, Target: "integrations/" + integ.ID,
		AuthorizationType: "NONE", APIGatewayManaged: true})
	t := now()
	api.Stages = append(api.Stages, httpapi.Stage{Name: "$default", AutoDeploy: true, Created: t, LastUpdated: t,
		RouteSettings: map[string]httpapi.RouteSettings{}, Tags: map[string]string{}, APIGatewayManaged: true})
	api.AutoDeploy()
	return nil
}
