package events

import "gust/internal/api/awsjson"

// Service lists every operation, for an awsjson.Router.
func (a *API) Service() awsjson.Service {
	return awsjson.Service{
		TargetPrefix: TargetPrefix,
		SigningName:  SigningName,
		Authorizer:   a.o.Authorizer,
		Resources:    a.resources,
		Operations: map[string]awsjson.Handler{
			"PutRule":             awsjson.Op(a.putRule),
			"DescribeRule":        awsjson.Op(a.describeRule),
			"ListRules":           awsjson.Op(a.listRules),
			"DeleteRule":          awsjson.Op(a.deleteRule),
			"EnableRule":          awsjson.Op(a.enableRule),
			"DisableRule":         awsjson.Op(a.disableRule),
			"PutTargets":          awsjson.Op(a.putTargets),
			"RemoveTargets":       awsjson.Op(a.removeTargets),
			"ListTargetsByRule":   awsjson.Op(a.listTargetsByRule),
			"CreateEventBus":      awsjson.Op(a.createEventBus),
			"DeleteEventBus":      awsjson.Op(a.deleteEventBus),
			"DescribeEventBus":    awsjson.Op(a.describeEventBus),
			"ListEventBuses":      awsjson.Op(a.listEventBuses),
			"PutEvents":           awsjson.Op(a.putEvents),
			"TestEventPattern":    awsjson.Op(a.testEventPattern),
			"TagResource":         awsjson.Op(a.tagResource),
			"UntagResource":       awsjson.Op(a.untagResource),
			"ListTagsForResource": awsjson.Op(a.listTagsForResource),
		},
	}
}
