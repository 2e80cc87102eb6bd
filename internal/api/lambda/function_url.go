package lambda

import (
	"context"
	"errors"
	"net/http"
	"regexp"

	"gust/internal/apierror"
	"gust/internal/furl"
)

// FunctionURLs stores function URL configurations; *furl.Store implements
// it.
type FunctionURLs interface {
	URLID(name, qualifier string) string
	URL(id string) string
	Get(ctx context.Context, id string) (furl.Config, error)
	Create(ctx context.Context, c furl.Config) (furl.Config, error)
	Update(ctx context.Context, name, qualifier string, change func(*furl.Config)) (furl.Config, error)
	Delete(ctx context.Context, name, qualifier string) error
}

// functionURLConfig is the FunctionUrlConfig shape.
type functionURLConfig struct {
	FunctionUrl      string
	FunctionArn      string
	AuthType         string
	Cors             *furl.Cors `json:",omitempty"`
	CreationTime     string
	LastModifiedTime string `json:",omitempty"`
	// InvokeMode is in Get and List answers always, in Create and Update
	// answers only when the request set it, as AWS answers.
	InvokeMode string `json:",omitempty"`
}

// functionURLInput is the body of Create and UpdateFunctionUrlConfig.
type functionURLInput struct {
	AuthType   *string
	Cors       *furl.Cors
	InvokeMode *string
}

var numericVersion = regexp.MustCompile(`^[0-9]+$`)

// urlTarget resolves the function and qualifier a URL request names: the
// function must exist, and a qualifier must be an alias, as on AWS.
func (a *API) urlTarget(r *http.Request) (name, qualifier string, err error) {
	qualifier = r.URL.Query().Get("Qualifier")
	if qualifier == "$LATEST" || numericVersion.MatchString(qualifier) {
		return "", "", apierror.InvalidParameter("Function URLs can only be configured on an alias or the unqualified function, not version %s.", qualifier)
	}
	f, err := a.control.Get(r.Context(), r.PathValue("name"), qualifier)
	if err != nil {
		return "", "", err
	}
	return f.Name, qualifier, nil
}

func (a *API) urlShape(c furl.Config, withModified bool) functionURLConfig {
	arn := a.control.FunctionARN(c.FunctionName)
	if c.Qualifier != "" {
		arn += ":" + c.Qualifier
	}
	out := functionURLConfig{
		FunctionUrl: a.urls.URL(c.URLID), FunctionArn: arn, AuthType: c.AuthType, Cors: c.Cors,
		CreationTime: c.Created.Format(urlTimeLayout), InvokeMode: c.InvokeMode,
	}
	if withModified {
		out.LastModifiedTime = c.Modified.Format(urlTimeLayout)
	}
	return out
}

const urlTimeLayout = "2006-01-02T15:04:05.000000Z"

func validateURLInput(in functionURLInput, create bool) error {
	if in.AuthType == nil && create {
		return apierror.Validation("1 validation error detected: Value null at 'authType' failed to satisfy constraint: Member must not be null")
	}
	if in.AuthType != nil && *in.AuthType != furl.AuthNone && *in.AuthType != furl.AuthAWSIAM {
		return apierror.Validation("1 validation error detected: Value '%s' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [AWS_IAM, NONE]", *in.AuthType)
	}
	if in.InvokeMode != nil && *in.InvokeMode != "BUFFERED" && *in.InvokeMode != "RESPONSE_STREAM" {
		return apierror.Validation("1 validation error detected: Value '%s' at 'invokeMode' failed to satisfy constraint: Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]", *in.InvokeMode)
	}
	if in.Cors != nil && (in.Cors.MaxAge < 0 || in.Cors.MaxAge > 86400) {
		return apierror.Validation("1 validation error detected: Value '%d' at 'cors.maxAge' failed to satisfy constraint: Member must have value less than or equal to 86400", in.Cors.MaxAge)
	}
	return nil
}

// urlQualifiers names the function ref refers to and, when the whole
// function is meant (no qualifier), the qualifiers its URLs may have.
func (a *API) urlQualifiers(ctx context.Context, ref, qualifier string) (string, []string) {
	f, err := a.control.Get(ctx, ref, "")
	if err != nil || qualifier != "" {
		return f.Name, nil
	}
	qualifiers := []string{""}
	aliases, _, err := a.control.ListAliases(ctx, f.Name, "", "", 0)
	if err == nil {
		for _, al := range aliases {
			qualifiers = append(qualifiers, al.Name)
		}
	}
	return f.Name, qualifiers
}

// dropURLs deletes the URLs of function name with these qualifiers; a
// failure is logged, the deletion that caused it has happened.
func (a *API) dropURLs(ctx context.Context, name string, qualifiers ...string) {
	if a.urls == nil || name == "" {
		return
	}
	for _, q := range qualifiers {
		if err := a.urls.Delete(ctx, name, q); err != nil && !errors.Is(err, furl.ErrNotFound) {
			a.log.Warn("deleting function URL", "function", name, "qualifier", q, "err", err)
		}
	}
}

func urlNotFound(err error) error {
	if errors.Is(err, furl.ErrNotFound) {
		return apierror.NotFound("The resource you requested does not exist.")
	}
	return err
}
