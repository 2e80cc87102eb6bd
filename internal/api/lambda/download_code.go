package lambda

import (
	"net/http"
	"strconv"

	"gust/internal/apierror"
)

// downloadCode serves the package behind GetFunction's Code.Location. The
// presigned query string authenticates it; the sha256 parameter pins the
// version of the code the URL was issued for.
func (a *API) downloadCode(w http.ResponseWriter, r *http.Request, _ []byte) error {
	zip, sha, err := a.control.Code(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	if want := r.URL.Query().Get("sha256"); want != "" && want != sha {
		return apierror.NotFound("The code this URL was issued for has been replaced.")
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Length", strconv.Itoa(len(zip)))
	_, _ = w.Write(zip)
	return nil
}
