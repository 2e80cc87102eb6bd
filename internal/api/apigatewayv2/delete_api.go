package apigatewayv2

import (
	"net/http"
)

func (a *API) deleteAPI(r *http.Request, _ []byte) (any, error) {
	id := r.PathValue("apiId")
	return nil, a.apiErr(r, a.o.Store.Delete(r.Context(), id))
}
