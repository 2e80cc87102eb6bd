package s3

import (
	"encoding/xml"
	"net/http"
	"strings"

	"gust/internal/objects"
)

type filterRule struct {
	Name  string `xml:"Name"`
	Value string `xml:"Value"`
}

type notificationTarget struct {
	ID     string   `xml:"Id,omitempty"`
	Lambda string   `xml:"CloudFunction,omitempty"`
	Queue  string   `xml:"Queue,omitempty"`
	Topic  string   `xml:"Topic,omitempty"`
	Events []string `xml:"Event"`
	Filter *struct {
		Rules []filterRule `xml:"S3Key>FilterRule"`
	} `xml:"Filter,omitempty"`
}

type notificationConfiguration struct {
	XMLName     xml.Name             `xml:"NotificationConfiguration"`
	NS          string               `xml:"xmlns,attr,omitempty"`
	Topics      []notificationTarget `xml:"TopicConfiguration"`
	Queues      []notificationTarget `xml:"QueueConfiguration"`
	Lambdas     []notificationTarget `xml:"CloudFunctionConfiguration"`
	EventBridge *struct{}            `xml:"EventBridgeConfiguration,omitempty"`
}

func toTargets(in []notificationTarget, arn func(notificationTarget) string) ([]objects.NotificationTarget, error) {
	var out []objects.NotificationTarget
	for _, t := range in {
		nt := objects.NotificationTarget{ID: t.ID, ARN: arn(t), Events: t.Events}
		if t.Filter != nil {
			seen := map[string]bool{}
			for _, r := range t.Filter.Rules {
				name := strings.ToLower(r.Name)
				if seen[name] {
					return nil, invalidArgument("Cannot specify more than one %s rule in a filter.", name)
				}
				seen[name] = true
				switch name {
				case "prefix":
					nt.Prefix = r.Value
				case "suffix":
					nt.Suffix = r.Value
				default:
					return nil, invalidArgument("filter rule name must be either prefix or suffix")
				}
			}
		}
		out = append(out, nt)
	}
	return out, nil
}

func fromTargets(in []objects.NotificationTarget, set func(*notificationTarget, string)) []notificationTarget {
	var out []notificationTarget
	for _, t := range in {
		nt := notificationTarget{ID: t.ID, Events: t.Events}
		set(&nt, t.ARN)
		if t.Prefix != "" || t.Suffix != "" {
			nt.Filter = &struct {
				Rules []filterRule `xml:"S3Key>FilterRule"`
			}{}
			if t.Prefix != "" {
				nt.Filter.Rules = append(nt.Filter.Rules, filterRule{Name: "Prefix", Value: t.Prefix})
			}
			if t.Suffix != "" {
				nt.Filter.Rules = append(nt.Filter.Rules, filterRule{Name: "Suffix", Value: t.Suffix})
			}
		}
		out = append(out, nt)
	}
	return out
}

func putBucketNotification(h *Handler, req *request) error {
	var in notificationConfiguration
	if _, err := readXML(req.body, &in, true); err != nil {
		return err
	}
	if in.EventBridge != nil {
		return notImplemented()
	}
	var n objects.Notification
	var err error
	if n.Lambda, err = toTargets(in.Lambdas, func(t notificationTarget) string { return t.Lambda }); err != nil {
		return err
	}
	if n.Queue, err = toTargets(in.Queues, func(t notificationTarget) string { return t.Queue }); err != nil {
		return err
	}
	if n.Topic, err = toTargets(in.Topics, func(t notificationTarget) string { return t.Topic }); err != nil {
		return err
	}
	if err := h.o.Objects.PutNotification(req.ctx, req.bucket, n, req.origin); err != nil {
		return err
	}
	req.w.WriteHeader(http.StatusOK)
	return nil
}

func getBucketNotification(h *Handler, req *request) error {
	n, err := h.o.Objects.Notification(req.ctx, req.bucket)
	if err != nil {
		return err
	}
	return writeXML(req, http.StatusOK, notificationConfiguration{
		NS:      xmlns,
		Lambdas: fromTargets(n.Lambda, func(t *notificationTarget, arn string) { t.Lambda = arn }),
		Queues:  fromTargets(n.Queue, func(t *notificationTarget, arn string) { t.Queue = arn }),
		Topics:  fromTargets(n.Topic, func(t *notificationTarget, arn string) { t.Topic = arn }),
	})
}
