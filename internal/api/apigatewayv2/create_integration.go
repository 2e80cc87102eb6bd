package apigatewayv2

import (
	"net/http"
	"regexp"

	"gust/internal/httpapi"
)

type integrationInput struct {
	IntegrationType      *string `json:"integrationType"`
	IntegrationURI       *string `json:"integrationUri"`
	IntegrationMethod    *string `json:"integrationMethod"`
	ConnectionType       *string `json:"connectionType"`
	Description          *string `json:"description"`
	PayloadFormatVersion *string `json:"payloadFormatVersion"`
	TimeoutInMillis      *int    `json:"timeoutInMillis"`
	CredentialsArn       *string `json:"credentialsArn"`
}

var lambdaARN = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$`)
var invocationARN = regexp.MustCompile(`^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/(.+)/invocations$`)

// functionARN reports whether uri names a Lambda function (or alias or
// version) as an AWS_PROXY integration may: its ARN or API Gateway's
// invocation ARN around it.
func functionARN(uri string) (string, bool) {
	if m := invocationARN.FindStringSubmatch(uri); m != nil {
		uri = m[1]
	}
	return uri, lambdaARN.MatchString(uri)
}

func (a *API) createIntegration(r *http.Request, body []byte) (any, error) {
	var in integrationInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.IntegrationType == nil {
		return nil, badRequest("IntegrationType is required")
	}
	integ := httpapi.Integration{ID: httpapi.NewID(7), ConnectionType: "INTERNET", IntegrationMethod: "POST", TimeoutInMillis: 30000}
	if err := applyIntegration(&integ, in); err != nil {
		return nil, err
	}
	if integ.IntegrationURI == "" {
		return nil, badRequest("IntegrationUri is required for AWS_PROXY integrations")
	}
	if integ.PayloadFormatVersion == "" {
		return nil, badRequest("PayloadFormatVersion is required for AWS_PROXY integrations on HTTP APIs")
	}
	_, err := a.change(r, func(api *httpapi.API) error {
		api.Integrations = append(api.Integrations, integ)
		api.AutoDeploy()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return integ, nil
}

// applyIntegration checks in and sets it on integ, as CreateIntegration and
// UpdateIntegration do.
func applyIntegration(integ *httpapi.Integration, in integrationInput) error {
	if in.IntegrationType != nil {
		switch *in.IntegrationType {
		case "AWS_PROXY":
		case "HTTP_PROXY", "AWS", "HTTP", "MOCK":
			return badRequest("Integration type %s is not supported by Gust: use AWS_PROXY", *in.IntegrationType)
		default:
			return badRequest("Invalid integration type specified: %s", *in.IntegrationType)
		}
		integ.IntegrationType = *in.IntegrationType
	}
	if in.IntegrationURI != nil {
		if _, ok := functionARN(*in.IntegrationURI); !ok {
			return badRequest("Invalid integration URI specified: %s", *in.IntegrationURI)
		}
		integ.IntegrationURI = *in.IntegrationURI
	}
	if in.IntegrationMethod != nil {
		integ.IntegrationMethod = *in.IntegrationMethod
	}
	if in.ConnectionType != nil {
		if *in.ConnectionType != "INTERNET" {
			return badRequest("Invalid connection type specified: %s", *in.ConnectionType)
		}
	}
	if in.Description != nil {
		integ.Description = *in.Description
	}
	if in.PayloadFormatVersion != nil {
		if *in.PayloadFormatVersion != "1.0" && *in.PayloadFormatVersion != "2.0" {
			return badRequest("Invalid payload format version specified: %s", *in.PayloadFormatVersion)
		}
		integ.PayloadFormatVersion = *in.PayloadFormatVersion
	}
	if in.TimeoutInMillis != nil {
		if *in.TimeoutInMillis < 50 || *in.TimeoutInMillis > 30000 {
			return badRequest("Timeout must be between 50 and 30000 milliseconds")
		}
		integ.TimeoutInMillis = *in.TimeoutInMillis
	}
	if in.CredentialsArn != nil {
		return badRequest("CredentialsArn is not supported by Gust")
	}
	return nil
}
