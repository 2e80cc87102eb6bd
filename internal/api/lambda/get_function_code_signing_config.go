package lambda

import "net/http"

// getFunctionCodeSigningConfig answers {} for a function without one, as
// AWS does.
func (a *API) getFunctionCodeSigningConfig(w http.ResponseWriter, r *http.Request, _ []byte) error {
	name, arn, err := a.control.FunctionCodeSigningConfig(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	out := functionCodeSigning{}
	if arn != "" {
		out = functionCodeSigning{CodeSigningConfigArn: arn, FunctionName: name}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
