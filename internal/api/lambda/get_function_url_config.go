package lambda

import (
	"errors"
	"net/http"

	"gust/internal/apierror"
)

func (a *API) getFunctionURLConfig(w http.ResponseWriter, r *http.Request, _ []byte) error {
	name, qualifier, err := a.urlTarget(r)
	if e := (*apierror.Error)(nil); errors.As(err, &e) && e.Type == "ResourceNotFoundException" {
		return apierror.NotFound("The resource you requested does not exist.") // a missing function too, on AWS
	}
	if err != nil {
		return err
	}
	c, err := a.urls.Get(r.Context(), a.urls.URLID(name, qualifier))
	if err != nil {
		return urlNotFound(err)
	}
	writeJSON(w, http.StatusOK, a.urlShape(c, true))
	return nil
}
