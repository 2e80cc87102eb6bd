// Package e2e holds Gust's end-to-end tests: each starts a real gust server
// (internal/gusttest) and drives it with the real AWS SDK for Go v2, the aws
// CLI or boto3, deploying real functions from fixtures/.
package e2e
