package topics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strconv"

	"gust/internal/apierror"
)

// topicAttributes are the attributes CreateTopic and SetTopicAttributes
// accept.
var topicAttributes = map[string]bool{
	"DeliveryPolicy": true, "DisplayName": true, "FifoTopic": true, "Policy": true, "SignatureVersion": true,
	"TracingConfig": true, "KmsMasterKeyId": true, "ContentBasedDeduplication": true, "ArchivePolicy": true,
	"FifoThroughputScope": true, "DataProtectionPolicy": true,
	"HTTPSuccessFeedbackRoleArn": true, "HTTPFailureFeedbackRoleArn": true, "HTTPSuccessFeedbackSampleRate": true,
	"LambdaSuccessFeedbackRoleArn": true, "LambdaFailureFeedbackRoleArn": true, "LambdaSuccessFeedbackSampleRate": true,
	"SQSSuccessFeedbackRoleArn": true, "SQSFailureFeedbackRoleArn": true, "SQSSuccessFeedbackSampleRate": true,
}

// CreateTopic creates the topic called name, or returns the ARN of the
// same topic created before.
func (s *Service) CreateTopic(ctx context.Context, name string, attrs map[string]string, tags []Tag) (string, error) {
	fifo := attrs["FifoTopic"] == "true"
	if !validTopicName(name) || (len(name) > 5 && name[len(name)-5:] == ".fifo") != fifo {
		if fifo {
			return "", invalid("Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.")
		}
		return "", invalid("Invalid parameter: Topic Name")
	}
	for k, v := range attrs {
		if err := checkTopicAttribute(k, v, fifo); err != nil {
			return "", err
		}
	}
	if err := checkTags(tags); err != nil {
		return "", err
	}
	_, err := s.mutate(ctx, name, true, func(t *Topic, exists bool) error {
		if exists {
			for k, v := range attrs {
				if t.Attributes[k] != v {
					return invalid("Invalid parameter: Attributes Reason: Topic already exists with different attributes")
				}
			}
			have := map[string]string{}
			for _, tg := range t.Tags {
				have[tg.Key] = tg.Value
			}
			for _, tg := range tags {
				if v, ok := have[tg.Key]; !ok || v != tg.Value {
					return invalid("Invalid parameter: Tags Reason: Topic already exists with different tags")
				}
			}
			return nil
		}
		t.Attributes = maps.Clone(attrs)
		t.Tags = mergeTags(nil, tags)
		return nil
	})
	if err != nil {
		return "", err
	}
	return s.TopicARN(name), nil
}

func checkTopicAttribute(name, value string, fifo bool) error {
	if !topicAttributes[name] {
		return invalid("Invalid parameter: AttributeName")
	}
	switch name {
	case "FifoTopic", "ContentBasedDeduplication":
		if value != "true" && value != "false" {
			return invalid("Invalid parameter: Attributes Reason: %s: Invalid value [%s]. Must be true or false.", name, value)
		}
		if name == "ContentBasedDeduplication" && value == "true" && !fifo {
			return invalid("Invalid parameter: Attributes Reason: Content-based deduplication can only be set for FIFO topics")
		}
	case "SignatureVersion":
		if value != "1" && value != "2" {
			return invalid("Invalid parameter: Attributes Reason: SignatureVersion: Invalid value [%s]. Must be 1 or 2.", value)
		}
	case "DeliveryPolicy":
		if _, err := parseDeliveryPolicy(value, true); err != nil {
			return err
		}
	case "Policy":
		if !json.Valid([]byte(value)) {
			return invalid("Invalid parameter: Policy Error: null")
		}
	}
	return nil
}

func checkTags(tags []Tag) error {
	seen := map[string]bool{}
	for _, t := range tags {
		if seen[t.Key] {
			return invalid("Invalid parameter: Duplicated keys are not allowed.")
		}
		seen[t.Key] = true
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return invalid("Invalid parameter: Tags")
		}
	}
	if len(tags) > 50 {
		return apierror.New("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded").WithStatus(http.StatusBadRequest)
	}
	return nil
}

func mergeTags(have, add []Tag) []Tag {
	out := append([]Tag(nil), have...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if out[i].Key == t.Key {
				out[i].Value, replaced = t.Value, true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}

// DeleteTopic deletes a topic and its subscriptions; a missing topic is
// no error (as AWS).
func (s *Service) DeleteTopic(ctx context.Context, arn string) error {
	name, err := s.topicName(arn)
	if err != nil {
		return err
	}
	t, rev, err := s.get(ctx, name)
	if errors.Is(err, errTopicNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, sub := range t.Subscriptions {
		if sub.Token != "" {
			s.forgetToken(ctx, sub.Token)
		}
	}
	if err := s.o.Topics.Delete(ctx, topicPrefix+name, rev); err != nil {
		return fmt.Errorf("deleting topic %s: %w", name, err)
	}
	return nil
}

// TopicAttributes returns every attribute GetTopicAttributes shows.
func (s *Service) TopicAttributes(ctx context.Context, arn string) (map[string]string, error) {
	t, err := s.Topic(ctx, arn)
	if err != nil {
		return nil, err
	}
	topicARN := s.TopicARN(t.Name)
	out := map[string]string{
		"TopicArn":                topicARN,
		"Owner":                   s.o.AccountID,
		"DisplayName":             "",
		"Policy":                  s.defaultPolicy(topicARN),
		"EffectiveDeliveryPolicy": defaultEffectiveDeliveryPolicy,
		"SubscriptionsDeleted":    "0",
		"SubscriptionsConfirmed":  "0",
		"SubscriptionsPending":    "0",
	}
	if t.FIFO() {
		out["ContentBasedDeduplication"] = "false"
	}
	confirmed, pending := 0, 0
	for _, sub := range t.Subscriptions {
		if sub.Pending {
			pending++
		} else {
			confirmed++
		}
	}
	out["SubscriptionsConfirmed"], out["SubscriptionsPending"] = strconv.Itoa(confirmed), strconv.Itoa(pending)
	for k, v := range t.Attributes {
		out[k] = v
	}
	if dp := t.Attributes["DeliveryPolicy"]; dp != "" {
		out["EffectiveDeliveryPolicy"] = dp
	}
	return out, nil
}

func (s *Service) defaultPolicy(topicARN string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"` +
		topicARN + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + s.o.AccountID + `"}}}]}`
}

const defaultEffectiveDeliveryPolicy = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`

// SetTopicAttribute sets one attribute.
func (s *Service) SetTopicAttribute(ctx context.Context, arn, name, value string) error {
	topic, err := s.topicName(arn)
	if err != nil {
		return err
	}
	_, err = s.mutate(ctx, topic, false, func(t *Topic, _ bool) error {
		if name == "FifoTopic" {
			return invalid("Invalid parameter: AttributeName")
		}
		if err := checkTopicAttribute(name, value, t.FIFO()); err != nil {
			return err
		}
		if t.Attributes == nil {
			t.Attributes = map[string]string{}
		}
		t.Attributes[name] = value
		return nil
	})
	return err
}

// Tags returns a topic's tags.
func (s *Service) Tags(ctx context.Context, arn string) ([]Tag, error) {
	t, err := s.Topic(ctx, arn)
	if err != nil {
		return nil, resourceNotFound(err)
	}
	return t.Tags, nil
}

// TagTopic adds or replaces tags.
func (s *Service) TagTopic(ctx context.Context, arn string, tags []Tag) error {
	if err := checkTags(tags); err != nil {
		return err
	}
	name, err := s.topicName(arn)
	if err != nil {
		return resourceNotFound(err)
	}
	_, err = s.mutate(ctx, name, false, func(t *Topic, _ bool) error {
		merged := mergeTags(t.Tags, tags)
		if len(merged) > 50 {
			return apierror.New("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded").WithStatus(http.StatusBadRequest)
		}
		t.Tags = merged
		return nil
	})
	return resourceNotFound(err)
}

// UntagTopic removes tags by key.
func (s *Service) UntagTopic(ctx context.Context, arn string, keys []string) error {
	name, err := s.topicName(arn)
	if err != nil {
		return resourceNotFound(err)
	}
	drop := map[string]bool{}
	for _, k := range keys {
		drop[k] = true
	}
	_, err = s.mutate(ctx, name, false, func(t *Topic, _ bool) error {
		kept := t.Tags[:0]
		for _, tg := range t.Tags {
			if !drop[tg.Key] {
				kept = append(kept, tg)
			}
		}
		t.Tags = kept
		return nil
	})
	return resourceNotFound(err)
}

// resourceNotFound is the tagging operations' own not-found.
func resourceNotFound(err error) error {
	if errors.Is(err, errTopicNotFound) {
		return apierror.New("ResourceNotFound", "Resource does not exist").WithStatus(http.StatusNotFound)
	}
	return err
}
