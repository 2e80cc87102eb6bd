package lambda

import (
	"net/http"

	"gust/internal/invoke"
)

func (a *API) invoke(w http.ResponseWriter, r *http.Request, body []byte) error {
	res, err := a.invoker.Invoke(r.Context(), invoke.Request{
		RequestID:      w.Header().Get("X-Amzn-RequestId"),
		FunctionName:   r.PathValue("name"),
		Qualifier:      r.URL.Query().Get("Qualifier"),
		InvocationType: r.Header.Get("X-Amz-Invocation-Type"),
		LogType:        r.Header.Get("X-Amz-Log-Type"),
		ClientContext:  r.Header.Get("X-Amz-Client-Context"),
		Payload:        body,
	})
	if err != nil {
		return err
	}
	h := w.Header()
	if res.StatusCode != http.StatusNoContent { // a DryRun's 204 names no version, as on AWS
		h.Set("X-Amz-Executed-Version", res.ExecutedVersion)
	}
	if res.FunctionError != "" {
		h.Set("X-Amz-Function-Error", res.FunctionError)
	}
	if res.LogResult != "" {
		h.Set("X-Amz-Log-Result", res.LogResult)
	}
	if res.StatusCode != http.StatusOK {
		w.WriteHeader(res.StatusCode)
		return nil
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(res.StatusCode)
	_, _ = w.Write(res.Payload)
	return nil
}
