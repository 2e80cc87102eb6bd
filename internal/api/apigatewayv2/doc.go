// Package apigatewayv2 is the wire side of API Gateway's v2 management API
// for HTTP APIs (REST-JSON, signing name "apigateway", paths under /v2):
// one file per operation, one route table (router.go). It verifies SigV4,
// asks the authorizer (apigateway:<METHOD> on the resource's ARN, as AWS
// names it), decodes and checks input as API Gateway does, and keeps the
// configuration through package httpapi.
//
// It does not serve API traffic (package httpapi does), REST APIs (the v1
// API), WebSocket APIs, domain names, VPC links, models or OpenAPI import.
package apigatewayv2
