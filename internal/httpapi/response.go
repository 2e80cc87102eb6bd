package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
)

// resultV1 is the response a function gives in payload format 1.0.
type resultV1 struct {
	StatusCode        *int                `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Body              *string             `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

// writeV1 maps a 1.0 response as API Gateway does: it must be an object
// with a statusCode; headers override multiValueHeaders of the same name.
func writeV1(w http.ResponseWriter, payload []byte) error {
	var res resultV1
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(&res); err != nil {
		return fmt.Errorf("decoding 1.0 response: %w", err)
	}
	if res.StatusCode == nil || *res.StatusCode < 100 || *res.StatusCode > 599 {
		return fmt.Errorf("1.0 response without a valid statusCode")
	}
	var body []byte
	if res.Body != nil {
		body = []byte(*res.Body)
		if res.IsBase64Encoded {
			var err error
			if body, err = base64.StdEncoding.DecodeString(*res.Body); err != nil {
				return fmt.Errorf("decoding base64 body: %w", err)
			}
		}
	}
	h := w.Header()
	for k, vs := range res.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for k, v := range res.Headers {
		h.Set(k, v)
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	w.WriteHeader(*res.StatusCode)
	_, _ = w.Write(body)
	return nil
}
