// Package store is Gust's only door to NATS and JetStream.
//
// It owns the NATS connection (and, by default, an embedded nats-server with
// JetStream whose files live in <DataDir>/jetstream) and offers the four
// kinds of state the rest of Gust needs:
//
//   - Tables: JetStream key-value buckets (named "gust_"+name) with
//     compare-and-swap. A record's Revision is the bucket's sequence number;
//     callers use it as Lambda's RevisionId and as the expected revision of
//     Update and Delete. Keys may only contain [-/_=.a-zA-Z0-9] and must not
//     start or end with '.' or contain ".." (see ValidKey); callers encode
//     anything else (ARNs, colons) themselves.
//   - Code: deployment packages in a JetStream object store, keyed by the
//     lowercase hex SHA-256 of their bytes, so equal packages are stored once.
//   - Streams: append-only JetStream streams (named "gust_"+name) of
//     messages filed under keys, numbered by JetStream and deleted by it
//     once older than the stream's MaxAge; read forward from a sequence or
//     a time. Logs and the usage ledger live in streams.
//   - The raw connection (Conn, JetStream) for packages that need streams or
//     request/reply.
//
// Store deliberately does not know what it stores: no Lambda types, no JSON
// schemas, no caching of values, no reference counting of code packages (the
// caller decides when a package is unused), and no retries beyond what a
// single compare-and-swap needs. It never runs its own consensus or
// replication: with an external cluster (Options.NATSURL) JetStream replicates.
//
// The embedded server keeps nats-server's default max_payload (1 MB) so that
// code which works on a laptop also works against a default external cluster;
// code packages are stored in 128 KB chunks, well below it.
package store
