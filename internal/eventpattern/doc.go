// Package eventpattern is EventBridge's event-pattern language: Compile
// checks a pattern as EventBridge does (the same reasons in its errors) and
// Match says whether an event matches it. Exact values, prefix, suffix,
// anything-but (values, lists, prefix, suffix, wildcard, equals-ignore-case),
// numeric ranges, exists, cidr, equals-ignore-case, wildcard, $or, nested
// objects, and arrays in events matching when any element does.
//
// Lambda's FilterCriteria and SNS filter policies speak the same language;
// their own limits (SNS's key and combination counts, the MessageAttributes
// scope) are their callers' to check with what Pattern reports.
//
// A Set holds many patterns and answers which of them match an event
// without trying each: patterns are indexed by one exact-valued field, so
// the cost per event grows with the patterns that could match, not with
// all of them.
//
// It does not read, store or route events; it only compiles and matches.
package eventpattern
