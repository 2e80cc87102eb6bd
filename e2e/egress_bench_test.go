package e2e

import (
	"fmt"
	"testing"

	"gust/internal/gusttest"
)

// BenchmarkColdStartEgress: what full outbound adds to a cold start that
// builds its sandbox (pools off, so the veth pair is made on the invoke's
// path): the first invoke of a new Go function on a server with
// --outbound full, against the same on a server with the default
// --outbound gust, alternating between the two in one run. The floor is
// the gust server's cold start; x-floor-p50 is the ratio.
func BenchmarkColdStartEgress(b *testing.B) {
	lockHostForEgressTest(b)
	args := []string{"--log-level", "info", "--isolation", "namespace", "--pool-min", "0", "--idle-timeout", "1s"}
	full := gusttest.Start(b, gusttest.Options{Args: append(args, "--outbound", "full")})
	gust := gusttest.Start(b, gusttest.Options{Args: append(args, "--outbound", "gust")})
	cFull, cGust := full.Lambda(), gust.Lambda()
	code := goFunctionZip(b)
	payload := []byte(`{"action":"echo","arg":"x"}`)
	var op, floor latencies
	for i := range b.N {
		name := fmt.Sprintf("cold-%d", i)
		b.StopTimer()
		createFunction(b, cFull, name, code)
		createFunction(b, cGust, name, code)
		b.StartTimer()
		if i%2 == 0 {
			op = append(op, invokeOnce(b, cFull, name, payload))
			floor = append(floor, invokeOnce(b, cGust, name, payload))
		} else {
			floor = append(floor, invokeOnce(b, cGust, name, payload))
			op = append(op, invokeOnce(b, cFull, name, payload))
		}
	}
	report(b, op, floor)
}
