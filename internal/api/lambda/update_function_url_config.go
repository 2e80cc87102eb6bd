package lambda

import (
	"net/http"

	"gust/internal/furl"
)

func (a *API) updateFunctionURLConfig(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in functionURLInput
	if err := decode(body, &in); err != nil {
		return err
	}
	if err := validateURLInput(in, false); err != nil {
		return err
	}
	name, qualifier, err := a.urlTarget(r)
	if err != nil {
		return err
	}
	c, err := a.urls.Update(r.Context(), name, qualifier, func(c *furl.Config) {
		if in.AuthType != nil {
			c.AuthType = *in.AuthType
		}
		if in.Cors != nil {
			c.Cors = in.Cors
		}
		if in.InvokeMode != nil {
			c.InvokeMode = *in.InvokeMode
		}
	})
	if err != nil {
		return urlNotFound(err)
	}
	out := a.urlShape(c, true)
	if in.InvokeMode == nil {
		out.InvokeMode = ""
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
