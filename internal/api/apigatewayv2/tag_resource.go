package apigatewayv2

import "net/http"

func (a *API) tagResource(r *http.Request, body []byte) (any, error) {
	var in struct {
		Tags map[string]string `json:"tags"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	for k, v := range in.Tags {
		if k == "" || len(k) > 128 || len(v) > 256 {
			return nil, badRequest("Invalid tag: keys are 1 to 128 characters, values at most 256")
		}
	}
	err := a.withTags(r, true, func(tags map[string]string) error {
		for k, v := range in.Tags {
			tags[k] = v
		}
		if len(tags) > 50 {
			return badRequest("Too many tags: at most 50 per resource")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}
