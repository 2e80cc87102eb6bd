package lambda

import (
	"net/http"

	"gust/internal/control"
)

func (a *API) updateCodeSigningConfig(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in control.CodeSigningConfigInput
	if err := decode(body, &in); err != nil {
		return err
	}
	c, err := a.control.UpdateCodeSigningConfig(r.Context(), r.PathValue("arn"), in)
	if err != nil {
		return err
	}
	writeCodeSigning(w, http.StatusOK, c)
	return nil
}
