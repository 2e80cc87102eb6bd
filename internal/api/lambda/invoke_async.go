package lambda

import (
	"net/http"

	"gust/internal/invoke"
)

// invokeAsync is the deprecated InvokeAsync: an Event invocation that
// answers {"Status":202}.
func (a *API) invokeAsync(w http.ResponseWriter, r *http.Request, body []byte) error {
	if _, err := a.invoker.Invoke(r.Context(), invoke.Request{
		RequestID:      w.Header().Get("X-Amzn-RequestId"),
		FunctionName:   r.PathValue("name"),
		InvocationType: "Event",
		Payload:        body,
	}); err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, struct{ Status int }{http.StatusAccepted})
	return nil
}
