package lambda

import (
	"errors"
	"net/http"

	"gust/internal/apierror"
	"gust/internal/furl"
)

// unqualifiedMarker stands for the unqualified function's URL in a
// NextMarker; no alias can be named so.
const unqualifiedMarker = "$LATEST"

// listFunctionURLConfigs lists the URLs of the unqualified function and of
// each of its aliases, MaxItems (default 50, AWS's maximum) a page; the
// marker names the first URL of the next page.
func (a *API) listFunctionURLConfigs(w http.ResponseWriter, r *http.Request, _ []byte) error {
	maxItems, err := maxItemsParam(r)
	if err != nil {
		return err
	}
	if maxItems == 0 || maxItems > 50 {
		maxItems = 50
	}
	f, err := a.control.Get(r.Context(), r.PathValue("name"), "")
	if e := (*apierror.Error)(nil); errors.As(err, &e) && e.Type == "ResourceNotFoundException" {
		return apierror.NotFound("Function does not exist") // AWS's words here
	}
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
	out := struct {
		FunctionUrlConfigs []functionURLConfig
		NextMarker         string `json:",omitempty"`
	}{FunctionUrlConfigs: []functionURLConfig{}}
	marker := r.URL.Query().Get("Marker")
	for _, q := range qualifiers {
		key := q
		if key == "" {
			key = unqualifiedMarker
		}
		if marker != "" && key != marker {
			continue
		}
		c, err := a.urls.Get(r.Context(), a.urls.URLID(f.Name, q))
		if errors.Is(err, furl.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if len(out.FunctionUrlConfigs) == maxItems {
			out.NextMarker = key
			break
		}
		marker = "" // found: every later URL is on this page
		out.FunctionUrlConfigs = append(out.FunctionUrlConfigs, a.urlShape(c, true))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
