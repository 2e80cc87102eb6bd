// Package furl serves Lambda function URLs: it stores each URL's
// configuration (one record per URL id in a KV table) and turns HTTP
// requests on a URL into payload format 2.0 invocations, mapping the
// function's result back to an HTTP response as Lambda does.
//
// A URL is reached either by host (<url-id>.lambda-url.<region>.<domain>)
// or by path (/gust/v1/url/<url-id>/...). AuthType AWS_IAM requires a SigV4
// signature for service "lambda"; CORS preflights are answered from the
// configuration without invoking the function.
//
// It does not do response streaming (InvokeMode RESPONSE_STREAM is stored
// but served buffered) nor resource-based policies: any key the server
// accepts may call an AWS_IAM URL.
package furl
