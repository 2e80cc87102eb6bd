package lambda

import (
	"net/http"

	"gust/internal/control"
)

func (a *API) addPermission(w http.ResponseWriter, r *http.Request, body []byte) error {
	var in control.PermissionInput
	if err := decode(body, &in); err != nil {
		return err
	}
	in.FunctionName, in.Qualifier = r.PathValue("name"), r.URL.Query().Get("Qualifier")
	st, err := a.control.AddPermission(r.Context(), in)
	if err != nil {
		return err
	}
	// Statement is a JSON document inside a string, as on AWS.
	writeJSON(w, http.StatusCreated, struct{ Statement string }{string(st.Render())})
	return nil
}
