// Package logfilter parses and matches CloudWatch Logs filter patterns for
// unstructured log events, as FilterLogEvents and `aws logs tail
// --filter-pattern` use them.
//
// Supported (terms are case-sensitive and match anywhere in the message):
//
//	ERROR                 events containing ERROR
//	ERROR timeout         events containing both (terms are ANDed)
//	"Task timed out"      a quoted phrase, matched exactly (\" and \\ escape)
//	?ERROR ?WARN          events containing at least one of the ?-terms
//	ERROR -healthcheck    events containing ERROR but not healthcheck
//	%req-[0-9]+%          a regular expression (Go RE2 syntax) between % signs
//
// An empty pattern matches every event. It deliberately does not implement
// JSON patterns ({ $.level = "ERROR" }) or space-delimited patterns
// ([ip, user, ...]): Parse rejects them with an error that says so, rather
// than silently matching them as text.
package logfilter
