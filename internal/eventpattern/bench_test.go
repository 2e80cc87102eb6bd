package eventpattern

import (
	"fmt"
	"testing"
)

// BenchmarkBus1000Rules is the cost per event on a bus of 1,000 rules of
// every operator: flattening the event and finding the rules it matches.
func BenchmarkBus1000Rules(b *testing.B) {
	patterns := map[int]*Pattern{}
	for i := 0; i < 1000; i++ {
		var src string
		switch i % 5 {
		case 0:
			src = fmt.Sprintf(`{"source": ["app.%d"], "detail-type": ["Order Placed"], "detail": {"amount": [{"numeric": [">", %d]}]}}`, i%50, i)
		case 1:
			src = fmt.Sprintf(`{"source": ["app.%d"], "detail": {"customer": [{"prefix": "c-%d"}]}}`, i%50, i%10)
		case 2:
			src = fmt.Sprintf(`{"detail-type": ["Type %d"], "detail": {"state": [{"anything-but": ["x", "y"]}]}}`, i)
		case 3:
			src = fmt.Sprintf(`{"source": ["app.%d"], "$or": [{"detail": {"ip": [{"cidr": "10.%d.0.0/16"}]}}, {"detail": {"flag": [{"exists": true}]}}]}`, i%50, i%200)
		default:
			src = fmt.Sprintf(`{"source": ["app.%d"], "detail": {"file": [{"wildcard": "*.%d.png"}], "state": [{"equals-ignore-case": "OK"}]}}`, i%50, i)
		}
		patterns[i] = mustCompile(b, src)
	}
	// One rule in twenty has no exact field: every event tries them.
	for i := 1000; i < 1050; i++ {
		patterns[i] = mustCompile(b, fmt.Sprintf(`{"detail": {"amount": [{"numeric": [">", %d]}], "state": [{"prefix": "o"}]}}`, i))
	}
	set := NewSet(patterns)
	event := []byte(`{"version": "0", "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718", "detail-type": "Order Placed",
		"source": "app.10", "account": "000000000000", "time": "2026-12-03T18:43:48Z", "region": "us-east-1",
		"resources": [], "detail": {"amount": 1500, "customer": "c-0042", "state": "ok", "ip": "10.10.3.4",
		"file": "a.10.png", "items": [{"sku": "x1", "qty": 2}, {"sku": "y2", "qty": 1}]}}`)
	b.ReportAllocs()
	b.ResetTimer()
	matched := 0
	for i := 0; i < b.N; i++ {
		e, err := ParseEvent(event)
		if err != nil {
			b.Fatal(err)
		}
		matched = len(set.Match(e))
	}
	if matched == 0 {
		b.Fatal("no rule matched")
	}
}
