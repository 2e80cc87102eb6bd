// Package awsquery serves AWS's query protocol, which IAM, STS, SNS,
// CloudWatch and the older SQS clients speak: a form-encoded request
// (Action=CreateQueue&Version=2012-11-05&QueueName=...; POST body or GET
// query) signed with SigV4 for the service's signing name, answered with
// XML:
//
//	<CreateQueueResponse xmlns="...">
//	  <CreateQueueResult>...</CreateQueueResult>
//	  <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata>
//	</CreateQueueResponse>
//
// and errors as <ErrorResponse><Error><Type>Sender</Type><Code>...</Code>
// <Message>...</Message></Error><RequestId>...</RequestId></ErrorResponse>.
//
// A Router serves one or more Services, picked by the signing service of the
// request's credential scope; it reads the body with the service's limit,
// verifies the signature, parses the parameters, dispatches on Action, puts
// the caller on the context (authz.WithCaller) and writes the operation's
// result or error. Params reads the flattened lists and maps of the
// protocol (member.N, Attribute.N.Name/Value, entry.N.key/value).
//
// It holds no service's shapes or business logic, and does not authorize:
// each service's operations ask their authz.Authorizer.
package awsquery
