package lambda

import "net/http"

func (a *API) getFunctionRecursionConfig(w http.ResponseWriter, r *http.Request, _ []byte) error {
	loop, err := a.control.Recursion(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct{ RecursiveLoop string }{loop})
	return nil
}

func (a *API) putFunctionRecursionConfig(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in struct{ RecursiveLoop string }
	if err := decode(body, &in); err != nil {
		return err
	}
	loop, err := a.control.PutRecursion(r.Context(), r.PathValue("name"), in.RecursiveLoop)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct{ RecursiveLoop string }{loop})
	return nil
}
