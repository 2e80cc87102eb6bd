package apigatewayv2

import "net/http"

func (a *API) untagResource(r *http.Request, _ []byte) (any, error) {
	keys := r.URL.Query()["tagKeys"]
	if len(keys) == 0 {
		return nil, badRequest("tagKeys is required")
	}
	return nil, a.withTags(r, true, func(tags map[string]string) error {
		for _, k := range keys {
			delete(tags, k)
		}
		return nil
	})
}
