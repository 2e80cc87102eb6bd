package lambda

import "net/http"

func (a *API) getCodeSigningConfig(w http.ResponseWriter, r *http.Request, _ []byte) error {
	c, err := a.control.GetCodeSigningConfig(r.Context(), r.PathValue("arn"))
	if err != nil {
		return err
	}
	writeCodeSigning(w, http.StatusOK, c)
	return nil
}
