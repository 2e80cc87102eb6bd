package lambda

import "net/http"

func (a *API) updateFunctionEventInvokeConfig(w http.ResponseWriter, r *http.Request, body []byte) error {
	return a.writeEventInvokeConfig(w, r, body, a.control.UpdateEventInvokeConfig)
}
