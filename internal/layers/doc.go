// Package layers keeps Lambda layers: named, numbered, immutable versions
// of a zip whose contents functions see merged at /opt.
//
// A layer version's package lives in the same content-addressed code store
// as functions' packages (by SHA-256); its record lives in the KV table
// "layers" under "<name>.<version>", and "<name>" holds the number of the
// last version ever published, so numbers are never reused, as on AWS,
// even after every version is deleted. Each version carries its own
// resource-based policy (AddLayerVersionPermission), stored and returned;
// Gust has one account, so it grants nothing the account does not already
// have. Everything is in JetStream, so any node serves any request.
//
// Functions name layers by version ARN; Resolve turns up to five of them
// into the packages an environment merges (see package codecache).
package layers
