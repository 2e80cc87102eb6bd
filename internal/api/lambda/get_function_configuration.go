package lambda

import "net/http"

func (a *API) getFunctionConfiguration(w http.ResponseWriter, r *http.Request, _ []byte) error {
	f, err := a.control.Get(r.Context(), r.PathValue("name"), r.URL.Query().Get("Qualifier"))
	if err != nil {
		return err
	}
	c := a.configuration(f)
	if alias := a.control.AliasOf(r.PathValue("name"), r.URL.Query().Get("Qualifier")); alias != "" {
		c.FunctionArn = a.control.FunctionARN(f.Name) + ":" + alias
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
