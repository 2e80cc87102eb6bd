package lambda

import (
	"errors"
	"net/http"

	"gust/internal/furl"
)

// listFunctionURLConfigs lists the URLs of the unqualified function and of
// each of its aliases; a function has few, so there is one page.
func (a *API) listFunctionURLConfigs(w http.ResponseWriter, r *http.Request, _ []byte) error {
	if _, err := maxItemsParam(r); err != nil {
		return err
	}
	f, err := a.control.Get(r.Context(), r.PathValue("name"), "")
	if err != nil {
		return err
	}
	qualifiers := []string{""}
	aliases, _, err := a.control.ListAliases(r.Context(), f.Name, "", "", 0)
	if err != nil {
		return err
	}
	for _, al := range aliases {
		qualifiers = append(qualifiers, al.Name)
	}
	out := struct{ FunctionUrlConfigs []functionURLConfig }{FunctionUrlConfigs: []functionURLConfig{}}
	for _, q := range qualifiers {
		c, err := a.urls.Get(r.Context(), a.urls.URLID(f.Name, q))
		if errors.Is(err, furl.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		out.FunctionUrlConfigs = append(out.FunctionUrlConfigs, a.urlShape(c, true))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
