package apigatewayv2

import (
	"time"

	"gust/internal/httpapi"
)

// apiShape is the Api shape of the model.
type apiShape struct {
	APIEndpoint               string            `json:"apiEndpoint"`
	APIID                     string            `json:"apiId"`
	APIKeySelectionExpression string            `json:"apiKeySelectionExpression"`
	CorsConfiguration         *httpapi.Cors     `json:"corsConfiguration,omitempty"`
	CreatedDate               time.Time         `json:"createdDate"`
	Description               string            `json:"description,omitempty"`
	DisableExecuteAPIEndpoint bool              `json:"disableExecuteApiEndpoint"`
	IPAddressType             string            `json:"ipAddressType"`
	Name                      string            `json:"name"`
	ProtocolType              string            `json:"protocolType"`
	RouteSelectionExpression  string            `json:"routeSelectionExpression"`
	Tags                      map[string]string `json:"tags"`
	Version                   string            `json:"version,omitempty"`
}

func (a *API) apiShape(api *httpapi.API) apiShape {
	return apiShape{
		APIEndpoint: httpapi.Endpoint(api.ID, a.o.Region, a.o.Base, a.o.PathBase), APIID: api.ID, APIKeySelectionExpression: api.APIKeySelectionExpression,
		CorsConfiguration: api.Cors, CreatedDate: api.Created, Description: api.Description, DisableExecuteAPIEndpoint: api.DisableExecuteAPIEndpoint,
		IPAddressType: api.IPAddressType, Name: api.Name, ProtocolType: api.ProtocolType, RouteSelectionExpression: api.RouteSelectionExpression,
		Tags: api.Tags, Version: api.Version,
	}
}

// deploymentShape is the Deployment shape (without the snapshot).
type deploymentShape struct {
	AutoDeployed     bool      `json:"autoDeployed"`
	CreatedDate      time.Time `json:"createdDate"`
	DeploymentID     string    `json:"deploymentId"`
	DeploymentStatus string    `json:"deploymentStatus"`
	Description      string    `json:"description,omitempty"`
}

func deploymentOf(d httpapi.Deployment) deploymentShape {
	return deploymentShape{AutoDeployed: d.AutoDeployed, CreatedDate: d.Created, DeploymentID: d.ID, DeploymentStatus: d.Status, Description: d.Description}
}

// items is the shape of every Get* list answer.
type items[T any] struct {
	Items []T `json:"items"`
}

func now() time.Time { return time.Now().UTC().Truncate(time.Second) }
