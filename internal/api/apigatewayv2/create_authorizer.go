package apigatewayv2

import (
	"net/http"
	"regexp"

	"gust/internal/httpapi"
)

type authorizerInput struct {
	Name                           *string  `json:"name"`
	AuthorizerType                 *string  `json:"authorizerType"`
	AuthorizerURI                  *string  `json:"authorizerUri"`
	AuthorizerPayloadFormatVersion *string  `json:"authorizerPayloadFormatVersion"`
	AuthorizerResultTTLInSeconds   *int     `json:"authorizerResultTtlInSeconds"`
	EnableSimpleResponses          *bool    `json:"enableSimpleResponses"`
	IdentitySource                 []string `json:"identitySource"`
	AuthorizerCredentialsArn       *string  `json:"authorizerCredentialsArn"`
	JWTConfiguration               any      `json:"jwtConfiguration"`
}

// identitySource is one identity source of a REQUEST authorizer.
var identitySource = regexp.MustCompile(`^\$(request\.header\.[A-Za-z0-9!#$%&'*+.^_` + "`" + `|~-]+|request\.querystring\.[^\s]+|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$`)

func (a *API) createAuthorizer(r *http.Request, body []byte) (any, error) {
	var in authorizerInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.AuthorizerType == nil || in.Name == nil {
		return nil, badRequest("AuthorizerType and Name are required")
	}
	au := httpapi.Authorizer{ID: httpapi.NewID(6)}
	if err := applyAuthorizer(&au, in); err != nil {
		return nil, err
	}
	if err := checkAuthorizer(au); err != nil {
		return nil, err
	}
	_, err := a.change(r, func(api *httpapi.API) error {
		for _, other := range api.Authorizers {
			if other.Name == au.Name {
				return conflict("Unable to create authorizer: an authorizer named %s already exists", au.Name)
			}
		}
		api.Authorizers = append(api.Authorizers, au)
		api.AutoDeploy()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return au, nil
}

// applyAuthorizer sets in on au, as CreateAuthorizer and UpdateAuthorizer
// do; checkAuthorizer then checks the whole.
func applyAuthorizer(au *httpapi.Authorizer, in authorizerInput) error {
	if in.Name != nil {
		if *in.Name == "" || len(*in.Name) > 128 {
			return badRequest("Invalid authorizer name specified")
		}
		au.Name = *in.Name
	}
	if in.AuthorizerType != nil {
		switch *in.AuthorizerType {
		case "REQUEST":
		case "JWT":
			return badRequest("JWT authorizers are not supported by Gust yet")
		default:
			return badRequest("Invalid authorizer type specified: %s", *in.AuthorizerType)
		}
		au.AuthorizerType = *in.AuthorizerType
	}
	if in.JWTConfiguration != nil {
		return badRequest("JwtConfiguration is only for JWT authorizers")
	}
	if in.AuthorizerCredentialsArn != nil {
		return badRequest("AuthorizerCredentialsArn is not supported by Gust")
	}
	if in.AuthorizerURI != nil {
		if _, ok := functionARN(*in.AuthorizerURI); !ok {
			return badRequest("Invalid authorizer URI specified: %s", *in.AuthorizerURI)
		}
		au.AuthorizerURI = *in.AuthorizerURI
	}
	if in.AuthorizerPayloadFormatVersion != nil {
		au.AuthorizerPayloadFormatVersion = *in.AuthorizerPayloadFormatVersion
	}
	if in.AuthorizerResultTTLInSeconds != nil {
		if *in.AuthorizerResultTTLInSeconds < 0 || *in.AuthorizerResultTTLInSeconds > 3600 {
			return badRequest("AuthorizerResultTtlInSeconds must be between 0 and 3600")
		}
		au.AuthorizerResultTTLInSeconds = in.AuthorizerResultTTLInSeconds
	}
	if in.EnableSimpleResponses != nil {
		au.EnableSimpleResponses = *in.EnableSimpleResponses
	}
	if in.IdentitySource != nil {
		for _, s := range in.IdentitySource {
			if !identitySource.MatchString(s) {
				return badRequest("Invalid identity source specified: %s", s)
			}
		}
		au.IdentitySource = in.IdentitySource
	}
	return nil
}

func checkAuthorizer(au httpapi.Authorizer) error {
	if au.AuthorizerURI == "" {
		return badRequest("AuthorizerUri is required for REQUEST authorizers")
	}
	switch au.AuthorizerPayloadFormatVersion {
	case "1.0", "2.0":
	case "":
		return badRequest("AuthorizerPayloadFormatVersion is required for REQUEST authorizers")
	default:
		return badRequest("Invalid authorizer payload format version specified: %s", au.AuthorizerPayloadFormatVersion)
	}
	if au.EnableSimpleResponses && au.AuthorizerPayloadFormatVersion != "2.0" {
		return badRequest("Simple responses are only supported with authorizer payload format version 2.0")
	}
	if au.AuthorizerResultTTLInSeconds != nil && *au.AuthorizerResultTTLInSeconds > 0 && len(au.IdentitySource) == 0 {
		return badRequest("Identity source is required when authorizer caching is enabled")
	}
	return nil
}
