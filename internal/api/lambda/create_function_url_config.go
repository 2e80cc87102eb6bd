package lambda

import (
	"errors"
	"net/http"

	"gust/internal/apierror"
	"gust/internal/furl"
)

func (a *API) createFunctionURLConfig(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in functionURLInput
	if err := decode(body, &in); err != nil {
		return err
	}
	if err := validateURLInput(in, true); err != nil {
		return err
	}
	name, qualifier, err := a.urlTarget(r)
	if err != nil {
		return err
	}
	c := furl.Config{FunctionName: name, Qualifier: qualifier, AuthType: *in.AuthType, Cors: in.Cors, InvokeMode: "BUFFERED"}
	if in.InvokeMode != nil {
		c.InvokeMode = *in.InvokeMode
	}
	c, err = a.urls.Create(r.Context(), c)
	if errors.Is(err, furl.ErrExists) {
		return apierror.Conflict("Failed to create function url config for [functionArn = %s]. Error message:  FunctionUrlConfig exists for this Lambda function", a.control.FunctionARN(name))
	}
	if err != nil {
		return err
	}
	out := a.urlShape(c, false)
	if in.InvokeMode == nil {
		out.InvokeMode = ""
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}
