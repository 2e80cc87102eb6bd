package sns

import (
	"sort"

	"gust/internal/api/awsquery"
)

// Service lists every operation, for an awsquery.Router.
func (a *API) Service() awsquery.Service {
	return awsquery.Service{
		SigningName: SigningName,
		XMLNS:       XMLNS,
		// A publish of 256 KiB URL-encoded can take three times that.
		MaxBody: 4 << 20,
		Operations: map[string]awsquery.Handler{
			"CreateTopic":               a.createTopic,
			"DeleteTopic":               a.deleteTopic,
			"ListTopics":                a.listTopics,
			"GetTopicAttributes":        a.getTopicAttributes,
			"SetTopicAttributes":        a.setTopicAttributes,
			"Subscribe":                 a.subscribe,
			"ConfirmSubscription":       a.confirmSubscription,
			"Unsubscribe":               a.unsubscribe,
			"ListSubscriptions":         a.listSubscriptions,
			"ListSubscriptionsByTopic":  a.listSubscriptionsByTopic,
			"GetSubscriptionAttributes": a.getSubscriptionAttributes,
			"SetSubscriptionAttributes": a.setSubscriptionAttributes,
			"Publish":                   a.publish,
			"PublishBatch":              a.publishBatch,
			"TagResource":               a.tagResource,
			"UntagResource":             a.untagResource,
			"ListTagsForResource":       a.listTagsForResource,
		},
	}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
