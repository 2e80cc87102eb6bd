// Package sns is SNS's wire protocol: the query/XML operations served
// through awsquery (one file per operation, router.go lists them), and the
// two unsigned doors SNS keeps for endpoints: the SubscribeURL and
// UnsubscribeURL links (GET /?Action=ConfirmSubscription|Unsubscribe) and
// the signing certificate at SigningCertURL.
//
// It holds no behaviour: topics does the work. It does not serve SNS's
// mobile push, SMS or data-protection operations.
package sns
