package lambda

import (
	"net/http"

	"gust/internal/control"
)

func (a *API) createCodeSigningConfig(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in control.CodeSigningConfigInput
	if err := decode(body, &in); err != nil {
		return err
	}
	c, err := a.control.CreateCodeSigningConfig(r.Context(), in)
	if err != nil {
		return err
	}
	writeCodeSigning(w, http.StatusCreated, c)
	return nil
}
