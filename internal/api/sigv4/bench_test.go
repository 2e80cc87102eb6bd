package sigv4

import "testing"

// BenchmarkVerify: one Invoke-shaped request, signed by aws-sdk-go-v2's
// signer, verified as the API does for every call.
func BenchmarkVerify(b *testing.B) {
	body := []byte(`{"action":"echo","arg":"x"}`)
	r := newSigned(b, "POST", "http://127.0.0.1:9000/2015-03-31/functions/warm/invocations", body, "lambda")
	v := verifierAt(testNow)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(r, body, "lambda"); err != nil {
			b.Fatal(err)
		}
	}
}
