package apigatewayv2

import "net/http"

func (a *API) getAPIs(r *http.Request, _ []byte) (any, error) {
	apis, err := a.o.Store.List(r.Context())
	if err != nil {
		return nil, err
	}
	out := items[apiShape]{Items: []apiShape{}}
	for _, api := range apis {
		out.Items = append(out.Items, a.apiShape(api))
	}
	return out, nil
}
