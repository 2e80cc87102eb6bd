package lambda

import "net/http"

type functionCodeSigning struct {
	CodeSigningConfigArn string `json:",omitempty"`
	FunctionName         string `json:",omitempty"`
}

func (a *API) putFunctionCodeSigningConfig(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in struct{ CodeSigningConfigArn string }
	if err := decode(body, &in); err != nil {
		return err
	}
	name, err := a.control.PutFunctionCodeSigningConfig(r.Context(), r.PathValue("name"), in.CodeSigningConfigArn)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, functionCodeSigning{CodeSigningConfigArn: in.CodeSigningConfigArn, FunctionName: name})
	return nil
}
