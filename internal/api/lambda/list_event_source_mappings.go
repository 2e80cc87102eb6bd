package lambda

import (
	"net/http"
	"strconv"
)

type listEventSourceMappingsResponse struct {
	EventSourceMappings []mappingConfiguration
	NextMarker          string `json:",omitempty"`
}

func (a *API) listEventSourceMappings(w http.ResponseWriter, r *http.Request, _ []byte) error {
	q := r.URL.Query()
	maxItems, err := maxItemsParam(r)
	if err != nil {
		return err
	}
	list, err := a.mappingsOrMissing().List(r.Context(), q.Get("FunctionName"), q.Get("EventSourceArn"))
	if err != nil {
		return err
	}
	start := 0
	if m := q.Get("Marker"); m != "" {
		if n, err := strconv.Atoi(m); err == nil && n >= 0 && n <= len(list) {
			start = n
		}
	}
	list = list[start:]
	out := listEventSourceMappingsResponse{EventSourceMappings: []mappingConfiguration{}}
	if maxItems > 0 && len(list) > maxItems {
		list = list[:maxItems]
		out.NextMarker = strconv.Itoa(start + maxItems)
	}
	for _, m := range list {
		out.EventSourceMappings = append(out.EventSourceMappings, a.mappingShape(m))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
