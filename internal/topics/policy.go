package topics

import (
	"encoding/json"
	"math"
	"time"
)

// retryPolicy is SNS's healthyRetryPolicy.
type retryPolicy struct {
	MinDelayTarget     int    `json:"minDelayTarget"`
	MaxDelayTarget     int    `json:"maxDelayTarget"`
	NumRetries         int    `json:"numRetries"`
	NumMaxDelayRetries int    `json:"numMaxDelayRetries"`
	NumNoDelayRetries  int    `json:"numNoDelayRetries"`
	NumMinDelayRetries int    `json:"numMinDelayRetries"`
	BackoffFunction    string `json:"backoffFunction"`
}

// defaultHTTPPolicy is SNS's default for HTTP/HTTPS endpoints: three
// retries 20 s apart.
var defaultHTTPPolicy = retryPolicy{MinDelayTarget: 20, MaxDelayTarget: 20, NumRetries: 3, BackoffFunction: "linear"}

// managedPolicy is SNS's fixed policy for AWS-managed endpoints (Lambda,
// SQS): 3 immediate retries, 2 one second apart, 10 backing off from 1 to
// 20 s, then 100,000 every 20 s.
var managedPolicy = retryPolicy{MinDelayTarget: 1, MaxDelayTarget: 20, NumNoDelayRetries: 3, NumMinDelayRetries: 2,
	NumMaxDelayRetries: 100000, NumRetries: 100015, BackoffFunction: "exponential"}

type topicDeliveryPolicy struct {
	HTTP *struct {
		DefaultHealthyRetryPolicy    *retryPolicy `json:"defaultHealthyRetryPolicy"`
		DisableSubscriptionOverrides bool         `json:"disableSubscriptionOverrides"`
	} `json:"http"`
}

type subscriptionDeliveryPolicy struct {
	HealthyRetryPolicy *retryPolicy `json:"healthyRetryPolicy"`
}

// parseDeliveryPolicy checks a topic's (topic) or a subscription's
// DeliveryPolicy and returns its retry policy (nil when it sets none).
func parseDeliveryPolicy(value string, topic bool) (*retryPolicy, error) {
	var rp *retryPolicy
	if topic {
		var p topicDeliveryPolicy
		if err := json.Unmarshal([]byte(value), &p); err != nil {
			return nil, invalid("Invalid parameter: DeliveryPolicy: failed to parse JSON.")
		}
		if p.HTTP != nil {
			rp = p.HTTP.DefaultHealthyRetryPolicy
		}
	} else {
		var p subscriptionDeliveryPolicy
		if err := json.Unmarshal([]byte(value), &p); err != nil {
			return nil, invalid("Invalid parameter: DeliveryPolicy: failed to parse JSON.")
		}
		rp = p.HealthyRetryPolicy
	}
	if rp == nil {
		return nil, nil
	}
	switch {
	case rp.MinDelayTarget < 1 || rp.MaxDelayTarget < 1:
		return nil, invalid("Invalid parameter: DeliveryPolicy: minDelayTarget and maxDelayTarget must be at least 1")
	case rp.MinDelayTarget > rp.MaxDelayTarget:
		return nil, invalid("Invalid parameter: DeliveryPolicy: minDelayTarget must be less than or equal to maxDelayTarget")
	case rp.MaxDelayTarget > 3600:
		return nil, invalid("Invalid parameter: DeliveryPolicy: maxDelayTarget must be less than or equal to 3600")
	case rp.NumRetries < 0 || rp.NumRetries > 100:
		return nil, invalid("Invalid parameter: DeliveryPolicy: numRetries must be between 0 and 100")
	case rp.NumNoDelayRetries < 0 || rp.NumMinDelayRetries < 0 || rp.NumMaxDelayRetries < 0 ||
		rp.NumNoDelayRetries+rp.NumMinDelayRetries+rp.NumMaxDelayRetries > rp.NumRetries:
		return nil, invalid("Invalid parameter: DeliveryPolicy: numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must be less than or equal to numRetries")
	}
	switch rp.BackoffFunction {
	case "":
		rp.BackoffFunction = "linear"
	case "linear", "arithmetic", "geometric", "exponential":
	default:
		return nil, invalid("Invalid parameter: DeliveryPolicy: backoffFunction must be one of arithmetic, exponential, geometric, linear")
	}
	return rp, nil
}

// effectiveHTTPPolicy is the retry policy of an HTTP subscription: its own,
// else its topic's, else SNS's default.
func (s *Service) effectiveHTTPPolicy(t *Topic, sub *Subscription) retryPolicy {
	var topicPolicy *retryPolicy
	override := true
	if v := t.Attributes["DeliveryPolicy"]; v != "" {
		var p topicDeliveryPolicy
		if json.Unmarshal([]byte(v), &p) == nil && p.HTTP != nil {
			topicPolicy, override = p.HTTP.DefaultHealthyRetryPolicy, !p.HTTP.DisableSubscriptionOverrides
		}
	}
	if v := sub.Attributes["DeliveryPolicy"]; v != "" && override {
		if rp, err := parseDeliveryPolicy(v, false); err == nil && rp != nil {
			return *rp
		}
	}
	if topicPolicy != nil {
		if rp, err := parseDeliveryPolicy(`{"http":{"defaultHealthyRetryPolicy":`+mustJSON(topicPolicy)+`}}`, true); err == nil && rp != nil {
			return *rp
		}
	}
	return defaultHTTPPolicy
}

func (s *Service) effectiveHTTPPolicyJSON(t Topic, sub Subscription) string {
	rp := s.effectiveHTTPPolicy(&t, &sub)
	return `{"healthyRetryPolicy":` + mustJSON(rp) + `,"sicklyRetryPolicy":null,"throttlePolicy":null,"requestPolicy":{"headerContentType":"text/plain; charset=UTF-8"},"guaranteed":false}`
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// delay is the wait before retry number n (1-based); false when the policy
// allows no more retries.
func (rp retryPolicy) delay(n int) (time.Duration, bool) {
	if n > rp.NumRetries {
		return 0, false
	}
	min, max := time.Duration(rp.MinDelayTarget)*time.Second, time.Duration(rp.MaxDelayTarget)*time.Second
	if n <= rp.NumNoDelayRetries {
		return 0, true
	}
	n -= rp.NumNoDelayRetries
	if n <= rp.NumMinDelayRetries {
		return min, true
	}
	n -= rp.NumMinDelayRetries
	backoff := rp.NumRetries - rp.NumNoDelayRetries - rp.NumMinDelayRetries - rp.NumMaxDelayRetries
	if n > backoff {
		return max, true
	}
	frac := float64(n) / float64(backoff)
	switch rp.BackoffFunction {
	case "exponential", "geometric":
		if min <= 0 {
			min = time.Second
		}
		return time.Duration(float64(min) * math.Pow(float64(max)/float64(min), frac)), true
	default:
		return min + time.Duration(float64(max-min)*frac), true
	}
}
