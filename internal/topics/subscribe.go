package topics

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"

	"gust/internal/apierror"
	"gust/internal/ids"
	"gust/internal/store"
)

// awsProtocols are every protocol SNS knows; Gust delivers the first four.
var (
	delivered    = map[string]bool{"lambda": true, "sqs": true, "http": true, "https": true}
	awsProtocols = map[string]bool{"lambda": true, "sqs": true, "http": true, "https": true, "email": true, "email-json": true, "sms": true, "application": true, "firehose": true}
)

// subscriptionAttributes are the attributes Subscribe and
// SetSubscriptionAttributes accept.
var subscriptionAttributes = map[string]bool{
	"DeliveryPolicy": true, "FilterPolicy": true, "FilterPolicyScope": true, "RawMessageDelivery": true,
	"RedrivePolicy": true, "SubscriptionRoleArn": true, "ReplayPolicy": true,
}

// PendingConfirmation is what Subscribe returns for a subscription waiting
// for its endpoint's confirmation.
const PendingConfirmation = "pending confirmation"

// SubscriptionARN is the ARN of a topic's subscription.
func (s *Service) SubscriptionARN(topic, id string) string { return s.TopicARN(topic) + ":" + id }

// Subscribe subscribes endpoint to a topic and returns the subscription's
// ARN ("pending confirmation" for an unconfirmed HTTP endpoint unless
// returnARN). Subscribing the same endpoint again returns the same ARN.
func (s *Service) Subscribe(ctx context.Context, topicARN, protocol, endpoint, owner string, attrs map[string]string, returnARN bool) (string, error) {
	name, err := s.topicName(topicARN)
	if err != nil {
		return "", err
	}
	if !awsProtocols[protocol] || !delivered[protocol] {
		return "", invalid("Invalid parameter: Amazon SNS does not support this protocol string: %s", protocol)
	}
	if err := s.checkEndpoint(protocol, endpoint, name); err != nil {
		return "", err
	}
	for k, v := range attrs {
		if err := s.checkSubscriptionAttribute(k, v, protocol, attrs); err != nil {
			return "", err
		}
	}
	var sub Subscription
	created := false
	_, err = s.mutate(ctx, name, false, func(t *Topic, _ bool) error {
		for _, have := range t.Subscriptions {
			if have.Protocol == protocol && have.Endpoint == endpoint {
				for k, v := range attrs {
					if have.Attributes[k] != v {
						return invalid("Invalid parameter: Attributes Reason: Subscription already exists with different attributes")
					}
				}
				sub, created = have, false
				return nil
			}
		}
		sub = Subscription{ID: ids.UUID(), Protocol: protocol, Endpoint: endpoint, Owner: owner, Attributes: maps.Clone(attrs)}
		if protocol == "http" || protocol == "https" {
			sub.Pending, sub.Token = true, newToken()
		}
		t.Subscriptions = append(t.Subscriptions, sub)
		created = true
		return nil
	})
	if err != nil {
		return "", err
	}
	arn := s.SubscriptionARN(name, sub.ID)
	if created && sub.Pending {
		if err := s.rememberToken(ctx, sub.Token, arn); err != nil {
			return "", err
		}
		if err := s.enqueue(ctx, job{Kind: kindConfirm, Topic: name, Sub: sub.ID, Msg: s.confirmation(name, sub)}, false); err != nil {
			return "", err
		}
	}
	if sub.Pending && !returnARN {
		return PendingConfirmation, nil
	}
	return arn, nil
}

func (s *Service) checkEndpoint(protocol, endpoint, topic string) error {
	switch protocol {
	case "http", "https":
		if !strings.HasPrefix(endpoint, protocol+"://") {
			return invalid("Invalid parameter: Endpoint must match the specified protocol")
		}
	case "lambda":
		parts := strings.Split(endpoint, ":")
		if len(parts) < 7 || len(parts) > 8 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" {
			return invalid("Invalid parameter: Lambda endpoint ARN")
		}
	case "sqs":
		parts := strings.Split(endpoint, ":")
		if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" {
			return invalid("Invalid parameter: SQS endpoint ARN")
		}
		if strings.HasSuffix(endpoint, ".fifo") && !strings.HasSuffix(topic, ".fifo") {
			return invalid("Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
		}
	}
	return nil
}

func (s *Service) checkSubscriptionAttribute(name, value, protocol string, all map[string]string) error {
	if !subscriptionAttributes[name] {
		return invalid("Invalid parameter: AttributeName")
	}
	switch name {
	case "RawMessageDelivery":
		v := strings.ToLower(value)
		if v != "true" && v != "false" {
			return invalid("Invalid parameter: RawMessageDelivery: Invalid value [%s]. Must be true or false.", value)
		}
		if protocol == "lambda" {
			return invalid("Invalid parameter: Delivery protocol [lambda] does not support raw message delivery.")
		}
	case "FilterPolicyScope":
		if value != "MessageAttributes" && value != "MessageBody" {
			return invalid("Invalid parameter: FilterPolicyScope: Invalid value [%s]. Please use either MessageBody or MessageAttributes", value)
		}
	case "FilterPolicy":
		scope := all["FilterPolicyScope"]
		if _, err := compileFilterPolicy(value, scope); err != nil {
			return err
		}
	case "RedrivePolicy":
		var rp struct {
			DeadLetterTargetArn string `json:"deadLetterTargetArn"`
		}
		if err := json.Unmarshal([]byte(value), &rp); err != nil {
			return invalid("Invalid parameter: RedrivePolicy: failed to parse JSON.")
		}
		parts := strings.Split(rp.DeadLetterTargetArn, ":")
		if len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs" {
			return invalid("Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn")
		}
	case "DeliveryPolicy":
		if _, err := parseDeliveryPolicy(value, false); err != nil {
			return err
		}
	}
	return nil
}

func newToken() string {
	var b [64]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

const tokenPrefix = "token."

func (s *Service) rememberToken(ctx context.Context, token, subARN string) error {
	if _, err := s.o.Topics.Create(ctx, tokenPrefix+token, []byte(subARN)); err != nil {
		return fmt.Errorf("storing confirmation token: %w", err)
	}
	return nil
}

func (s *Service) forgetToken(ctx context.Context, token string) {
	rec, err := s.o.Topics.Get(ctx, tokenPrefix+token)
	if err == nil {
		_ = s.o.Topics.Delete(ctx, tokenPrefix+token, rec.Revision)
	}
}

// ConfirmSubscription confirms the subscription a token was sent for and
// returns its ARN.
func (s *Service) ConfirmSubscription(ctx context.Context, topicARN, token string) (string, error) {
	name, err := s.topicName(topicARN)
	if err != nil {
		return "", err
	}
	if !store.ValidKey(tokenPrefix + token) {
		return "", invalid("Invalid parameter: Token")
	}
	rec, err := s.o.Topics.Get(ctx, tokenPrefix+token)
	if errors.Is(err, store.ErrNotFound) {
		return "", invalid("Invalid parameter: Token")
	}
	if err != nil {
		return "", fmt.Errorf("reading confirmation token: %w", err)
	}
	arn := string(rec.Value)
	subTopic, id, err := s.splitSubscriptionARN(arn)
	if err != nil || subTopic != name {
		return "", invalid("Invalid parameter: Topic")
	}
	_, err = s.mutate(ctx, name, false, func(t *Topic, _ bool) error {
		for i := range t.Subscriptions {
			if t.Subscriptions[i].ID == id {
				t.Subscriptions[i].Pending = false
				return nil
			}
		}
		return invalid("Invalid parameter: Token")
	})
	if err != nil {
		return "", err
	}
	return arn, nil
}

// Unsubscribe deletes a subscription; a missing one is no error.
func (s *Service) Unsubscribe(ctx context.Context, arn string) error {
	name, id, err := s.splitSubscriptionARN(arn)
	if err != nil {
		return err
	}
	var token string
	_, err = s.mutate(ctx, name, false, func(t *Topic, _ bool) error {
		kept := t.Subscriptions[:0]
		for _, sub := range t.Subscriptions {
			if sub.ID == id {
				token = sub.Token
				continue
			}
			kept = append(kept, sub)
		}
		t.Subscriptions = kept
		return nil
	})
	if errors.Is(err, errTopicNotFound) {
		return nil
	}
	if token != "" {
		s.forgetToken(ctx, token)
	}
	return err
}

// SubscriptionInfo is a subscription as listed.
type SubscriptionInfo struct {
	Subscription
	ARN      string
	TopicARN string
}

// Subscriptions lists the subscriptions of one topic (topicARN set) or of
// every topic.
func (s *Service) Subscriptions(ctx context.Context, topicARN string) ([]SubscriptionInfo, error) {
	var ts []Topic
	if topicARN != "" {
		t, err := s.Topic(ctx, topicARN)
		if err != nil {
			return nil, err
		}
		ts = []Topic{t}
	} else {
		var err error
		if ts, err = s.Topics(ctx); err != nil {
			return nil, err
		}
	}
	var out []SubscriptionInfo
	for _, t := range ts {
		for _, sub := range t.Subscriptions {
			// Listings say "PendingConfirmation" where Subscribe said
			// "pending confirmation", as AWS does.
			info := SubscriptionInfo{Subscription: sub, ARN: "PendingConfirmation", TopicARN: s.TopicARN(t.Name)}
			if !sub.Pending {
				info.ARN = s.SubscriptionARN(t.Name, sub.ID)
			}
			out = append(out, info)
		}
	}
	return out, nil
}

func (s *Service) subscription(ctx context.Context, arn string) (Topic, Subscription, error) {
	name, id, err := s.splitSubscriptionARN(arn)
	if err != nil {
		return Topic{}, Subscription{}, err
	}
	t, _, err := s.get(ctx, name)
	if err == nil {
		for _, sub := range t.Subscriptions {
			if sub.ID == id {
				return t, sub, nil
			}
		}
	}
	if err != nil && !errors.Is(err, errTopicNotFound) {
		return Topic{}, Subscription{}, err
	}
	return Topic{}, Subscription{}, apierror.New("NotFound", "Subscription does not exist").WithStatus(http.StatusNotFound)
}

// SubscriptionAttributes returns what GetSubscriptionAttributes shows.
func (s *Service) SubscriptionAttributes(ctx context.Context, arn string) (map[string]string, error) {
	t, sub, err := s.subscription(ctx, arn)
	if err != nil {
		return nil, err
	}
	out := map[string]string{
		"SubscriptionArn":              arn,
		"TopicArn":                     s.TopicARN(t.Name),
		"Owner":                        sub.Owner,
		"Protocol":                     sub.Protocol,
		"Endpoint":                     sub.Endpoint,
		"PendingConfirmation":          fmt.Sprint(sub.Pending),
		"ConfirmationWasAuthenticated": fmt.Sprint(!sub.Pending),
		"RawMessageDelivery":           "false",
		"SubscriptionPrincipal":        "arn:aws:iam::" + s.o.AccountID + ":root",
	}
	if sub.Protocol == "http" || sub.Protocol == "https" {
		out["EffectiveDeliveryPolicy"] = s.effectiveHTTPPolicyJSON(t, sub)
	}
	for k, v := range sub.Attributes {
		out[k] = v
	}
	if out["FilterPolicy"] != "" && out["FilterPolicyScope"] == "" {
		out["FilterPolicyScope"] = "MessageAttributes"
	}
	return out, nil
}

// SetSubscriptionAttribute sets one attribute; an empty FilterPolicy
// removes the policy.
func (s *Service) SetSubscriptionAttribute(ctx context.Context, arn, name, value string) error {
	topic, sub, err := s.subscription(ctx, arn)
	if err != nil {
		return err
	}
	all := maps.Clone(sub.Attributes)
	if all == nil {
		all = map[string]string{}
	}
	all[name] = value
	if !(name == "FilterPolicy" && value == "") {
		if err := s.checkSubscriptionAttribute(name, value, sub.Protocol, all); err != nil {
			return err
		}
	}
	if name == "FilterPolicyScope" && all["FilterPolicy"] != "" {
		if _, err := compileFilterPolicy(all["FilterPolicy"], value); err != nil {
			return err
		}
	}
	_, err = s.mutate(ctx, topic.Name, false, func(t *Topic, _ bool) error {
		for i := range t.Subscriptions {
			if t.Subscriptions[i].ID == sub.ID {
				if t.Subscriptions[i].Attributes == nil {
					t.Subscriptions[i].Attributes = map[string]string{}
				}
				if value == "" && (name == "FilterPolicy" || name == "RedrivePolicy" || name == "DeliveryPolicy") {
					delete(t.Subscriptions[i].Attributes, name)
				} else {
					t.Subscriptions[i].Attributes[name] = value
				}
				return nil
			}
		}
		return apierror.New("NotFound", "Subscription does not exist").WithStatus(http.StatusNotFound)
	})
	return err
}
