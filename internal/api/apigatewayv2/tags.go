package apigatewayv2

import (
	"errors"
	"net/http"
	"strings"

	"gust/internal/httpapi"
)

// withTags resolves a tag operation's ARN (an API or one of its stages)
// and calls fn with the tags of what it names, inside a change of the API.
func (a *API) withTags(r *http.Request, write bool, fn func(tags map[string]string) error) error {
	arn := r.PathValue("arn")
	rest, ok := strings.CutPrefix(arn, "arn:aws:apigateway:"+a.o.Region+"::/apis/")
	if !ok {
		return notFound("Invalid resource ARN specified: %s", arn)
	}
	id, sub, _ := strings.Cut(rest, "/")
	stage, isStage := strings.CutPrefix(sub, "stages/")
	if sub != "" && !isStage {
		return badRequest("Tagging is not supported for resource %s", arn)
	}
	apply := func(api *httpapi.API) error {
		tags := &api.Tags
		if isStage {
			i := stageIndex(api, stage)
			if i < 0 {
				return notFound("Invalid stage identifier specified")
			}
			tags = &api.Stages[i].Tags
		}
		if *tags == nil {
			*tags = map[string]string{}
		}
		return fn(*tags)
	}
	var err error
	if write {
		_, err = a.o.Store.Change(r.Context(), id, apply)
	} else {
		var api *httpapi.API
		if api, err = a.o.Store.Get(r.Context(), id); err == nil {
			err = apply(api)
		}
	}
	if errors.Is(err, httpapi.ErrNotFound) {
		return notFound("Invalid API identifier specified %s:%s", a.o.AccountID, id)
	}
	return err
}
