package httpapi

import "time"

// Cors is an API's CORS configuration, as in API Gateway's model.
type Cors struct {
	AllowCredentials bool     `json:"allowCredentials,omitempty"`
	AllowHeaders     []string `json:"allowHeaders,omitempty"`
	AllowMethods     []string `json:"allowMethods,omitempty"`
	AllowOrigins     []string `json:"allowOrigins,omitempty"`
	ExposeHeaders    []string `json:"exposeHeaders,omitempty"`
	MaxAge           *int     `json:"maxAge,omitempty"`
}

// API is one HTTP API with everything configured on it.
type API struct {
	ID                        string            `json:"apiId"`
	Name                      string            `json:"name"`
	Description               string            `json:"description,omitempty"`
	Version                   string            `json:"version,omitempty"`
	ProtocolType              string            `json:"protocolType"`
	RouteSelectionExpression  string            `json:"routeSelectionExpression"`
	APIKeySelectionExpression string            `json:"apiKeySelectionExpression"`
	DisableExecuteAPIEndpoint bool              `json:"disableExecuteApiEndpoint"`
	IPAddressType             string            `json:"ipAddressType"`
	Cors                      *Cors             `json:"corsConfiguration,omitempty"`
	Created                   time.Time         `json:"createdDate"`
	Tags                      map[string]string `json:"tags"`

	Routes       []Route       `json:"routes,omitempty"`
	Integrations []Integration `json:"integrations,omitempty"`
	Authorizers  []Authorizer  `json:"authorizers,omitempty"`
	Stages       []Stage       `json:"stages,omitempty"`
	Deployments  []Deployment  `json:"deployments,omitempty"`

	revision uint64
}

// Route is one route of an API.
type Route struct {
	ID                  string   `json:"routeId"`
	RouteKey            string   `json:"routeKey"`
	Target              string   `json:"target,omitempty"` // "integrations/<id>"
	AuthorizationType   string   `json:"authorizationType"`
	AuthorizerID        string   `json:"authorizerId,omitempty"`
	AuthorizationScopes []string `json:"authorizationScopes,omitempty"`
	APIKeyRequired      bool     `json:"apiKeyRequired"`
	OperationName       string   `json:"operationName,omitempty"`
	APIGatewayManaged   bool     `json:"apiGatewayManaged,omitempty"`
}

// Integration is one integration of an API.
type Integration struct {
	ID                   string `json:"integrationId"`
	IntegrationType      string `json:"integrationType"`
	IntegrationURI       string `json:"integrationUri,omitempty"`
	IntegrationMethod    string `json:"integrationMethod,omitempty"`
	ConnectionType       string `json:"connectionType"`
	Description          string `json:"description,omitempty"`
	PayloadFormatVersion string `json:"payloadFormatVersion"`
	TimeoutInMillis      int    `json:"timeoutInMillis"`
	APIGatewayManaged    bool   `json:"apiGatewayManaged,omitempty"`
	// IntegrationResponseSelectionExpression is not on HTTP APIs.
}

// Authorizer is one authorizer of an API.
type Authorizer struct {
	ID                             string     `json:"authorizerId"`
	Name                           string     `json:"name"`
	AuthorizerType                 string     `json:"authorizerType"`
	AuthorizerURI                  string     `json:"authorizerUri,omitempty"`
	AuthorizerPayloadFormatVersion string     `json:"authorizerPayloadFormatVersion,omitempty"`
	AuthorizerResultTTLInSeconds   *int       `json:"authorizerResultTtlInSeconds,omitempty"`
	EnableSimpleResponses          bool       `json:"enableSimpleResponses,omitempty"`
	IdentitySource                 []string   `json:"identitySource,omitempty"`
	JWTConfiguration               *JWTConfig `json:"jwtConfiguration,omitempty"`
}

// JWTConfig is a JWT authorizer's issuer and audiences.
type JWTConfig struct {
	Audience []string `json:"audience,omitempty"`
	Issuer   string   `json:"issuer,omitempty"`
}

// Stage is one stage of an API.
type Stage struct {
	Name                        string                   `json:"stageName"`
	Description                 string                   `json:"description,omitempty"`
	AutoDeploy                  bool                     `json:"autoDeploy"`
	DeploymentID                string                   `json:"deploymentId,omitempty"`
	StageVariables              map[string]string        `json:"stageVariables,omitempty"`
	DefaultRouteSettings        RouteSettings            `json:"defaultRouteSettings"`
	RouteSettings               map[string]RouteSettings `json:"routeSettings"`
	Tags                        map[string]string        `json:"tags"`
	Created                     time.Time                `json:"createdDate"`
	LastUpdated                 time.Time                `json:"lastUpdatedDate"`
	LastDeploymentStatusMessage string                   `json:"lastDeploymentStatusMessage,omitempty"`
	APIGatewayManaged           bool                     `json:"apiGatewayManaged,omitempty"`
}

// RouteSettings are a stage's per-route settings (stored, not enforced).
type RouteSettings struct {
	DetailedMetricsEnabled bool     `json:"detailedMetricsEnabled"`
	ThrottlingBurstLimit   *int     `json:"throttlingBurstLimit,omitempty"`
	ThrottlingRateLimit    *float64 `json:"throttlingRateLimit,omitempty"`
}

// Deployment is a snapshot of an API's routes, integrations and
// authorizers that stages serve.
type Deployment struct {
	ID           string        `json:"deploymentId"`
	Description  string        `json:"description,omitempty"`
	AutoDeployed bool          `json:"autoDeployed"`
	Status       string        `json:"deploymentStatus"`
	Created      time.Time     `json:"createdDate"`
	Routes       []Route       `json:"snapshotRoutes"`
	Integrations []Integration `json:"snapshotIntegrations"`
	Authorizers  []Authorizer  `json:"snapshotAuthorizers"`
}
