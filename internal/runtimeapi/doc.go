// Package runtimeapi serves the Lambda Runtime API (version 2018-06-01) for
// one execution environment.
//
// A runtime (a provided.al2023 bootstrap, aws-lambda-go, the Python or Node.js
// runtime interface client) finds the API through AWS_LAMBDA_RUNTIME_API and
// speaks to it in a loop:
//
//	GET  /2018-06-01/runtime/invocation/next            long-poll for an event
//	POST /2018-06-01/runtime/invocation/{id}/response   the result
//	POST /2018-06-01/runtime/invocation/{id}/error      or a failure
//	POST /2018-06-01/runtime/init/error                 init failed, before any /next
//
// The host side drives the same conversation through a Server: WaitInit
// returns when the runtime first asks for work (or reports an init error), and
// Invoke hands one event to the runtime's pending or next GET /next and waits
// for its answer. One environment runs one invocation at a time, as in Lambda.
//
// # States
//
// The runtime's side of the conversation is an explicit state machine
// (states.go), modelled on the Runtime Interface Emulator's core/states.go:
// every state denies every event except those it lists.
//
//	Started ──/next──▶ Ready ──Invoke──▶ Queued ──/next──▶ Invoking
//	   │                 ▲                                    │ /response or /error
//	   │ /init/error     │                                    ▼
//	   ▼                 └──/next── Responded ◀──body read── Receiving
//	InitError                         │
//	                                  └──Invoke──▶ Queued ...
//
// Invoke's context ending before the result arrives moves the machine to
// Abandoned: the caller must destroy the environment, as Lambda does after a
// timeout. Close moves any state to Closed. A runtime request the current
// state does not allow is answered 403 InvalidStateTransition, and a request
// id that is not the current invocation's is answered 400 InvalidRequestID,
// as the emulator's rapi package does (the id is checked first).
//
// Response rules enforced here: a result larger than Options.MaxResponseBytes
// (6291556 bytes, as Lambda) fails the invocation with
// Function.ResponseSizeTooLarge; response streaming
// (Lambda-Runtime-Function-Response-Mode: streaming) is not supported and
// fails the invocation at once instead of hanging.
//
// # Out of scope
//
// This package does not start, sandbox, freeze or kill the runtime process,
// does not create the listener (the caller listens inside the environment's
// network namespace and passes it to Serve), does not capture logs or emit
// REPORT lines, does not enforce the function timeout (the caller's context
// does) and does not serve the Extensions, Logs or Telemetry APIs.
package runtimeapi
