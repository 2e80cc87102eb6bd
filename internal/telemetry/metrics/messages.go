package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Messages counts what happens to the messages of one messaging service,
// per resource (an SNS topic, an EventBridge bus) and event ("published",
// "delivered", "failed", "retried"): gust_<service>_messages_total. Like
// the function label, the resource label is bounded: the first max
// resources keep their name, later ones count as "other".
type Messages struct {
	vec *prometheus.CounterVec
	max int

	mu       sync.Mutex
	admitted map[string]bool
}

// Messages registers and returns the counters of service ("sns",
// "events"); resource names the label ("topic", "bus").
func (m *Metrics) Messages(service, resource, help string) *Messages {
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "gust", Subsystem: service, Name: "messages_total", Help: help,
	}, []string{resource, "event"})
	m.reg.MustRegister(vec)
	return &Messages{vec: vec, max: m.max, admitted: map[string]bool{}}
}

// Count adds one event for resource; it implements topics.Observer and
// buses.Observer.
func (c *Messages) Count(resource, event string) {
	c.mu.Lock()
	if !c.admitted[resource] {
		if len(c.admitted) >= c.max {
			resource = Other
		} else {
			c.admitted[resource] = true
		}
	}
	c.mu.Unlock()
	c.vec.WithLabelValues(resource, event).Inc()
}
