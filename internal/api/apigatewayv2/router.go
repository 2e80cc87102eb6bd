package apigatewayv2

import "net/http"

// maxBody bounds management request bodies.
const maxBody = 6 * 1024 * 1024

// Handler serves every operation; the front door sends it the requests
// signed for "apigateway".
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	routes := []struct {
		pattern string
		op      operation
	}{
		{"POST /v2/apis", operation{name: "CreateApi", status: http.StatusCreated, handle: a.createAPI}},
		{"GET /v2/apis", operation{name: "GetApis", handle: a.getAPIs}},
		{"GET /v2/apis/{apiId}", operation{name: "GetApi", handle: a.getAPI}},
		{"PATCH /v2/apis/{apiId}", operation{name: "UpdateApi", handle: a.updateAPI}},
		{"DELETE /v2/apis/{apiId}", operation{name: "DeleteApi", status: http.StatusNoContent, handle: a.deleteAPI}},
		{"DELETE /v2/apis/{apiId}/cors", operation{name: "DeleteCorsConfiguration", status: http.StatusNoContent, handle: a.deleteCorsConfiguration}},
		{"POST /v2/apis/{apiId}/routes", operation{name: "CreateRoute", status: http.StatusCreated, handle: a.createRoute}},
		{"GET /v2/apis/{apiId}/routes", operation{name: "GetRoutes", handle: a.getRoutes}},
		{"GET /v2/apis/{apiId}/routes/{routeId}", operation{name: "GetRoute", handle: a.getRoute}},
		{"PATCH /v2/apis/{apiId}/routes/{routeId}", operation{name: "UpdateRoute", handle: a.updateRoute}},
		{"DELETE /v2/apis/{apiId}/routes/{routeId}", operation{name: "DeleteRoute", status: http.StatusNoContent, handle: a.deleteRoute}},
		{"POST /v2/apis/{apiId}/integrations", operation{name: "CreateIntegration", status: http.StatusCreated, handle: a.createIntegration}},
		{"GET /v2/apis/{apiId}/integrations", operation{name: "GetIntegrations", handle: a.getIntegrations}},
		{"GET /v2/apis/{apiId}/integrations/{integrationId}", operation{name: "GetIntegration", handle: a.getIntegration}},
		{"PATCH /v2/apis/{apiId}/integrations/{integrationId}", operation{name: "UpdateIntegration", handle: a.updateIntegration}},
		{"DELETE /v2/apis/{apiId}/integrations/{integrationId}", operation{name: "DeleteIntegration", status: http.StatusNoContent, handle: a.deleteIntegration}},
		{"POST /v2/apis/{apiId}/stages", operation{name: "CreateStage", status: http.StatusCreated, handle: a.createStage}},
		{"GET /v2/apis/{apiId}/stages", operation{name: "GetStages", handle: a.getStages}},
		{"GET /v2/apis/{apiId}/stages/{stageName}", operation{name: "GetStage", handle: a.getStage}},
		{"PATCH /v2/apis/{apiId}/stages/{stageName}", operation{name: "UpdateStage", handle: a.updateStage}},
		{"DELETE /v2/apis/{apiId}/stages/{stageName}", operation{name: "DeleteStage", status: http.StatusNoContent, handle: a.deleteStage}},
		{"POST /v2/apis/{apiId}/deployments", operation{name: "CreateDeployment", status: http.StatusCreated, handle: a.createDeployment}},
		{"GET /v2/apis/{apiId}/deployments", operation{name: "GetDeployments", handle: a.getDeployments}},
		{"GET /v2/apis/{apiId}/deployments/{deploymentId}", operation{name: "GetDeployment", handle: a.getDeployment}},
		{"DELETE /v2/apis/{apiId}/deployments/{deploymentId}", operation{name: "DeleteDeployment", status: http.StatusNoContent, handle: a.deleteDeployment}},
		{"POST /v2/tags/{arn...}", operation{name: "TagResource", status: http.StatusCreated, handle: a.tagResource}},
		{"GET /v2/tags/{arn...}", operation{name: "GetTags", handle: a.getTags}},
		{"DELETE /v2/tags/{arn...}", operation{name: "UntagResource", status: http.StatusNoContent, handle: a.untagResource}},
	}
	for _, rt := range routes {
		mux.Handle(rt.pattern, a.serve(rt.op))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, notFound("Unknown operation %s %s", r.Method, r.URL.Path))
	})
	return mux
}
