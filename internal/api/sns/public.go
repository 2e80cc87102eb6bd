package sns

import (
	"net/http"

	"gust/internal/api/awsquery"
	"gust/internal/topics"
)

// Public serves what SNS serves without a signature: the SubscribeURL and
// UnsubscribeURL links endpoints follow (GET /?Action=...), and the signing
// certificate. Anything else goes to next.
func (a *API) Public(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && topics.IsCertificatePath(r.URL.Path) {
			pem, ok, err := a.o.Topics.Certificate(r.Context(), r.URL.Path)
			if err != nil {
				http.Error(w, "signing certificate unavailable", http.StatusInternalServerError)
				return
			}
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/x-x509-ca-cert")
			_, _ = w.Write(pem)
			return
		}
		if r.Method != http.MethodGet || r.URL.Path != "/" {
			next.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		var result any
		var err error
		switch q.Get("Action") {
		case "ConfirmSubscription":
			// The token is the credential, as on AWS.
			var arn string
			if arn, err = a.o.Topics.ConfirmSubscription(r.Context(), q.Get("TopicArn"), q.Get("Token")); err == nil {
				result = subscriptionResult{SubscriptionArn: arn}
			}
		case "Unsubscribe":
			err = a.o.Topics.Unsubscribe(r.Context(), q.Get("SubscriptionArn"))
		default:
			next.ServeHTTP(w, r)
			return
		}
		if err != nil {
			awsquery.WriteError(w, awsquery.ErrorOf(err))
			return
		}
		awsquery.WriteResult(w, q.Get("Action"), XMLNS, result)
	})
}
