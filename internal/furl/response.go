package furl

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
)

// result is the structured response a function may return.
type result struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Cookies           []string            `json:"cookies"`
	Body              *string             `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

// WriteResult maps a function's result to the HTTP response as Lambda
// does: an object with statusCode is a structured response; any other JSON
// is the body of a 200 application/json response (a JSON string is its
// text).
func WriteResult(w http.ResponseWriter, payload []byte) error {
	payload = bytes.TrimSpace(payload)
	var probe map[string]json.RawMessage
	if json.Unmarshal(payload, &probe) == nil {
		if _, ok := probe["statusCode"]; ok {
			var res result
			if err := json.Unmarshal(payload, &res); err != nil {
				return fmt.Errorf("decoding function URL response: %w", err)
			}
			return writeStructured(w, res)
		}
	}
	body := payload
	var s string
	if json.Unmarshal(payload, &s) == nil {
		body = []byte(s)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}

func writeStructured(w http.ResponseWriter, res result) error {
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
	if res.StatusCode < 100 || res.StatusCode > 599 {
		return fmt.Errorf("status code %d out of range", res.StatusCode)
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
	for _, c := range res.Cookies {
		h.Add("Set-Cookie", c)
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	w.WriteHeader(res.StatusCode)
	_, _ = w.Write(body)
	return nil
}
