package logs

import "gust/internal/api/awsjson"

// Service lists every operation, for an awsjson.Router.
func (a *API) Service() awsjson.Service {
	return awsjson.Service{
		TargetPrefix: TargetPrefix,
		SigningName:  SigningName,
		Authorizer:   a.auth,
		Resources:    a.resources,
		Operations: map[string]awsjson.Handler{
			"DescribeLogGroups":     awsjson.Op(a.describeLogGroups),
			"DescribeLogStreams":    awsjson.Op(a.describeLogStreams),
			"GetLogEvents":          awsjson.Op(a.getLogEvents),
			"FilterLogEvents":       awsjson.Op(a.filterLogEvents),
			"DeleteLogGroup":        awsjson.Op(a.deleteLogGroup),
			"PutRetentionPolicy":    awsjson.Op(a.putRetentionPolicy),
			"DeleteRetentionPolicy": awsjson.Op(a.deleteRetentionPolicy),
			"CreateLogGroup":        awsjson.Op(a.createLogGroup),
			"CreateLogStream":       awsjson.Op(a.createLogStream),
			"PutLogEvents":          awsjson.Op(a.putLogEvents),
			"TagResource":           awsjson.Op(a.tagResource),
			"UntagResource":         awsjson.Op(a.untagResource),
			"ListTagsForResource":   awsjson.Op(a.listTagsForResource),
			"TagLogGroup":           awsjson.Op(a.tagLogGroup),
			"UntagLogGroup":         awsjson.Op(a.untagLogGroup),
			"ListTagsLogGroup":      awsjson.Op(a.listTagsLogGroup),
		},
	}
}
