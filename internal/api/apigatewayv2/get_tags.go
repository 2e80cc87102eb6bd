package apigatewayv2

import "net/http"

func (a *API) getTags(r *http.Request, _ []byte) (any, error) {
	out := map[string]string{}
	err := a.withTags(r, false, func(tags map[string]string) error {
		for k, v := range tags {
			out[k] = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct {
		Tags map[string]string `json:"tags"`
	}{out}, nil
}
