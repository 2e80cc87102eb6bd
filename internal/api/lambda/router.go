package lambda

import (
	"net/http"

	"gust/internal/apierror"
	"gust/internal/ids"
)

const (
	maxJSONBody   = 6 * 1024 * 1024
	maxCodeBody   = 70167211 // AWS: a 50 MB zip, base64 in JSON
	maxInvokeBody = 6 * 1024 * 1024
)

// Register adds every Lambda API route to mux.
func (a *API) Register(mux *http.ServeMux) {
	routes := []struct {
		pattern string
		op      operation
	}{
		{"POST /2015-03-31/functions", operation{name: "CreateFunction", maxBody: maxCodeBody, resource: createdFunction, passesRole: true, handle: a.createFunction}},
		{"GET /2015-03-31/functions", operation{name: "ListFunctions", maxBody: maxJSONBody, resource: account, handle: a.listFunctions}},
		{"GET /2015-03-31/functions/{name}", operation{name: "GetFunction", maxBody: maxJSONBody, handle: a.getFunction}},
		{"DELETE /2015-03-31/functions/{name}", operation{name: "DeleteFunction", maxBody: maxJSONBody, handle: a.deleteFunction}},
		{"GET /2015-03-31/functions/{name}/configuration", operation{name: "GetFunctionConfiguration", maxBody: maxJSONBody, handle: a.getFunctionConfiguration}},
		{"PUT /2015-03-31/functions/{name}/configuration", operation{name: "UpdateFunctionConfiguration", maxBody: maxJSONBody, passesRole: true, handle: a.updateFunctionConfiguration}},
		{"PUT /2015-03-31/functions/{name}/code", operation{name: "UpdateFunctionCode", maxBody: maxCodeBody, handle: a.updateFunctionCode}},
		{"POST /2015-03-31/functions/{name}/invocations", operation{name: "InvokeFunction", maxBody: maxInvokeBody, handle: a.invoke}},
		{"POST /2015-03-31/functions/{name}/versions", operation{name: "PublishVersion", maxBody: maxJSONBody, handle: a.publishVersion}},
		{"GET /2015-03-31/functions/{name}/versions", operation{name: "ListVersionsByFunction", maxBody: maxJSONBody, handle: a.listVersionsByFunction}},
		{"POST /2015-03-31/functions/{name}/aliases", operation{name: "CreateAlias", maxBody: maxJSONBody, handle: a.createAlias}},
		{"GET /2015-03-31/functions/{name}/aliases", operation{name: "ListAliases", maxBody: maxJSONBody, handle: a.listAliases}},
		{"GET /2015-03-31/functions/{name}/aliases/{alias}", operation{name: "GetAlias", maxBody: maxJSONBody, handle: a.getAlias}},
		{"PUT /2015-03-31/functions/{name}/aliases/{alias}", operation{name: "UpdateAlias", maxBody: maxJSONBody, handle: a.updateAlias}},
		{"DELETE /2015-03-31/functions/{name}/aliases/{alias}", operation{name: "DeleteAlias", maxBody: maxJSONBody, handle: a.deleteAlias}},
		{"PUT /2019-09-25/functions/{name}/event-invoke-config", operation{name: "PutFunctionEventInvokeConfig", maxBody: maxJSONBody, handle: a.putFunctionEventInvokeConfig}},
		{"POST /2019-09-25/functions/{name}/event-invoke-config", operation{name: "UpdateFunctionEventInvokeConfig", maxBody: maxJSONBody, handle: a.updateFunctionEventInvokeConfig}},
		{"GET /2019-09-25/functions/{name}/event-invoke-config", operation{name: "GetFunctionEventInvokeConfig", maxBody: maxJSONBody, handle: a.getFunctionEventInvokeConfig}},
		{"DELETE /2019-09-25/functions/{name}/event-invoke-config", operation{name: "DeleteFunctionEventInvokeConfig", maxBody: maxJSONBody, handle: a.deleteFunctionEventInvokeConfig}},
		{"GET /2019-09-25/functions/{name}/event-invoke-config/list", operation{name: "ListFunctionEventInvokeConfigs", maxBody: maxJSONBody, handle: a.listFunctionEventInvokeConfigs}},
		{"POST /2014-11-13/functions/{name}/invoke-async", operation{name: "InvokeAsync", maxBody: maxInvokeBody, handle: a.invokeAsync}},
		{"PUT /2017-10-31/functions/{name}/concurrency", operation{name: "PutFunctionConcurrency", maxBody: maxJSONBody, handle: a.putFunctionConcurrency}},
		{"GET /2019-09-30/functions/{name}/concurrency", operation{name: "GetFunctionConcurrency", maxBody: maxJSONBody, handle: a.getFunctionConcurrency}},
		{"DELETE /2017-10-31/functions/{name}/concurrency", operation{name: "DeleteFunctionConcurrency", maxBody: maxJSONBody, handle: a.deleteFunctionConcurrency}},
		{"PUT /2019-09-30/functions/{name}/provisioned-concurrency", operation{name: "PutProvisionedConcurrencyConfig", maxBody: maxJSONBody, handle: a.putProvisionedConcurrencyConfig}},
		{"GET /2019-09-30/functions/{name}/provisioned-concurrency", operation{name: "GetProvisionedConcurrencyConfig", maxBody: maxJSONBody, handle: a.getProvisionedConcurrencyConfig}},
		{"DELETE /2019-09-30/functions/{name}/provisioned-concurrency", operation{name: "DeleteProvisionedConcurrencyConfig", maxBody: maxJSONBody, handle: a.deleteProvisionedConcurrencyConfig}},
		{"GET /2016-08-19/account-settings", operation{name: "GetAccountSettings", maxBody: maxJSONBody, resource: account, handle: a.getAccountSettings}},
		{"POST /2017-03-31/tags/{arn}", operation{name: "TagResource", maxBody: maxJSONBody, resource: taggedResource, handle: a.tagResource}},
		{"DELETE /2017-03-31/tags/{arn}", operation{name: "UntagResource", maxBody: maxJSONBody, resource: taggedResource, handle: a.untagResource}},
		{"GET /2017-03-31/tags/{arn}", operation{name: "ListTags", maxBody: maxJSONBody, resource: taggedResource, handle: a.listTags}},
		{"POST /2021-10-31/functions/{name}/url", operation{name: "CreateFunctionUrlConfig", maxBody: maxJSONBody, handle: a.createFunctionURLConfig}},
		{"GET /2021-10-31/functions/{name}/url", operation{name: "GetFunctionUrlConfig", maxBody: maxJSONBody, handle: a.getFunctionURLConfig}},
		{"PUT /2021-10-31/functions/{name}/url", operation{name: "UpdateFunctionUrlConfig", maxBody: maxJSONBody, handle: a.updateFunctionURLConfig}},
		{"DELETE /2021-10-31/functions/{name}/url", operation{name: "DeleteFunctionUrlConfig", maxBody: maxJSONBody, handle: a.deleteFunctionURLConfig}},
		{"GET /2021-10-31/functions/{name}/urls", operation{name: "ListFunctionUrlConfigs", maxBody: maxJSONBody, handle: a.listFunctionURLConfigs}},
		{"POST /2015-03-31/event-source-mappings", operation{name: "CreateEventSourceMapping", maxBody: maxJSONBody, resource: mappingResource, handle: a.createEventSourceMapping}},
		{"GET /2015-03-31/event-source-mappings", operation{name: "ListEventSourceMappings", maxBody: maxJSONBody, resource: mappingResource, handle: a.listEventSourceMappings}},
		{"GET /2015-03-31/event-source-mappings/{uuid}", operation{name: "GetEventSourceMapping", maxBody: maxJSONBody, resource: mappingResource, handle: a.getEventSourceMapping}},
		{"PUT /2015-03-31/event-source-mappings/{uuid}", operation{name: "UpdateEventSourceMapping", maxBody: maxJSONBody, resource: mappingResource, handle: a.updateEventSourceMapping}},
		{"DELETE /2015-03-31/event-source-mappings/{uuid}", operation{name: "DeleteEventSourceMapping", maxBody: maxJSONBody, resource: mappingResource, handle: a.deleteEventSourceMapping}},
		{"POST /2015-03-31/functions/{name}/policy", operation{name: "AddPermission", maxBody: maxJSONBody, handle: a.addPermission}},
		{"GET /2015-03-31/functions/{name}/policy", operation{name: "GetPolicy", maxBody: maxJSONBody, handle: a.getPolicy}},
		{"DELETE /2015-03-31/functions/{name}/policy/{sid}", operation{name: "RemovePermission", maxBody: maxJSONBody, handle: a.removePermission}},
		{"POST /2020-04-22/code-signing-configs", operation{name: "CreateCodeSigningConfig", maxBody: maxJSONBody, resource: account, handle: a.createCodeSigningConfig}},
		{"GET /2020-04-22/code-signing-configs", operation{name: "ListCodeSigningConfigs", maxBody: maxJSONBody, resource: account, handle: a.listCodeSigningConfigs}},
		{"GET /2020-04-22/code-signing-configs/{arn}", operation{name: "GetCodeSigningConfig", maxBody: maxJSONBody, resource: taggedResource, handle: a.getCodeSigningConfig}},
		{"PUT /2020-04-22/code-signing-configs/{arn}", operation{name: "UpdateCodeSigningConfig", maxBody: maxJSONBody, resource: taggedResource, handle: a.updateCodeSigningConfig}},
		{"DELETE /2020-04-22/code-signing-configs/{arn}", operation{name: "DeleteCodeSigningConfig", maxBody: maxJSONBody, resource: taggedResource, handle: a.deleteCodeSigningConfig}},
		{"GET /2020-04-22/code-signing-configs/{arn}/functions", operation{name: "ListFunctionsByCodeSigningConfig", maxBody: maxJSONBody, resource: taggedResource, handle: a.listFunctionsByCodeSigningConfig}},
		{"PUT /2020-06-30/functions/{name}/code-signing-config", operation{name: "PutFunctionCodeSigningConfig", maxBody: maxJSONBody, handle: a.putFunctionCodeSigningConfig}},
		{"GET /2020-06-30/functions/{name}/code-signing-config", operation{name: "GetFunctionCodeSigningConfig", maxBody: maxJSONBody, handle: a.getFunctionCodeSigningConfig}},
		{"DELETE /2020-06-30/functions/{name}/code-signing-config", operation{name: "DeleteFunctionCodeSigningConfig", maxBody: maxJSONBody, handle: a.deleteFunctionCodeSigningConfig}},
		{"GET /2024-08-31/functions/{name}/recursion-config", operation{name: "GetFunctionRecursionConfig", maxBody: maxJSONBody, handle: a.getFunctionRecursionConfig}},
		{"PUT /2024-08-31/functions/{name}/recursion-config", operation{name: "PutFunctionRecursionConfig", maxBody: maxJSONBody, handle: a.putFunctionRecursionConfig}},
		{"GET /2021-07-20/functions/{name}/runtime-management-config", operation{name: "GetRuntimeManagementConfig", maxBody: maxJSONBody, handle: a.getRuntimeManagementConfig}},
		{"PUT /2021-07-20/functions/{name}/runtime-management-config", operation{name: "PutRuntimeManagementConfig", maxBody: maxJSONBody, handle: a.putRuntimeManagementConfig}},
		{"POST /2018-10-31/layers/{layer}/versions", operation{name: "PublishLayerVersion", maxBody: maxCodeBody, resource: layerResource, handle: a.publishLayerVersion}},
		{"GET /2018-10-31/layers/{layer}/versions", operation{name: "ListLayerVersions", maxBody: maxJSONBody, resource: layerResource, handle: a.listLayerVersions}},
		{"GET /2018-10-31/layers/{layer}/versions/{version}", operation{name: "GetLayerVersion", maxBody: maxJSONBody, resource: layerVersionResource, handle: a.getLayerVersion}},
		{"DELETE /2018-10-31/layers/{layer}/versions/{version}", operation{name: "DeleteLayerVersion", maxBody: maxJSONBody, resource: layerVersionResource, handle: a.deleteLayerVersion}},
		{"GET /2018-10-31/layers", operation{name: "ListLayers", maxBody: maxJSONBody, resource: foundLayerVersion, handle: a.listOrFindLayers}},
		{"POST /2018-10-31/layers/{layer}/versions/{version}/policy", operation{name: "AddLayerVersionPermission", maxBody: maxJSONBody, resource: layerVersionResource, handle: a.addLayerVersionPermission}},
		{"GET /2018-10-31/layers/{layer}/versions/{version}/policy", operation{name: "GetLayerVersionPolicy", maxBody: maxJSONBody, resource: layerVersionResource, handle: a.getLayerVersionPolicy}},
		{"DELETE /2018-10-31/layers/{layer}/versions/{version}/policy/{sid}", operation{name: "RemoveLayerVersionPermission", maxBody: maxJSONBody, resource: layerVersionResource, handle: a.removeLayerVersionPermission}},
		{"GET /gust/v1/layer-code/{layer}/{version}", operation{name: "GetLayerVersionCode", action: "lambda:GetLayerVersion", maxBody: 0, presign: true, resource: layerVersionResource, handle: a.downloadLayer}},
		{"GET /gust/v1/code/{name}", operation{name: "GetFunctionCode", action: "lambda:GetFunction", maxBody: 0, presign: true, handle: a.downloadCode}},
		{"GET /gust/v1/usage", operation{name: "GetUsage", action: "lambda:GetAccountSettings", maxBody: 0, resource: account, handle: a.getUsage}},
	}
	for _, rt := range routes {
		op := rt.op
		op.service = "lambda"
		if op.action == "" {
			op.action = "lambda:" + op.name
		}
		if op.resource == nil {
			op.resource = function
		}
		h := a.serve(op)
		mux.Handle(rt.pattern, h)
		mux.Handle(rt.pattern+"/{$}", h) // botocore adds a trailing slash to some URIs
	}
}

// NotFound answers paths no operation matches, as AWS does.
func NotFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Amzn-RequestId", ids.UUID())
	writeError(w, apierror.New("UnknownOperationException", "Unknown operation %s %s", r.Method, r.URL.Path))
}
