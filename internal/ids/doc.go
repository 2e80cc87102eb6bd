// Package ids makes the random identifiers Gust hands out as AWS does:
// request and revision IDs (version 4 UUIDs), X-Ray trace IDs, and the hex
// IDs of execution environments and their log streams.
//
// It makes no secrets (credentials are package credentials' and
// insideapi's) and no sortable or time-ordered IDs.
package ids
