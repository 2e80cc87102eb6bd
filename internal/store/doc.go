// Package store is Gust's only door to NATS and JetStream.
//
// It owns the NATS connection (and, by default, an embedded nats-server with
// JetStream whose files live in <DataDir>/jetstream) and offers the kinds
// of state the rest of Gust needs:
//
//   - Tables: JetStream key-value buckets (named "gust_"+name) with
//     compare-and-swap. A record's Revision is the bucket's sequence number;
//     callers pass it as the expected revision of Update and Delete (it is
//     not Lambda's RevisionId, which package control keeps in the record as
//     a UUID). Keys may only contain [-/_=.a-zA-Z0-9] and must not start or
//     end with '.' or contain ".." (see ValidKey); callers encode anything
//     else (ARNs, colons) themselves. Watch reports changes; a CachedTable
//     (Table.Cached) serves Gets from memory, kept current by such a watch,
//     for the invoke hot path.
//   - Code: deployment packages in a JetStream object store, keyed by the
//     lowercase hex SHA-256 of their bytes, so equal packages are stored once.
//   - Streams: append-only JetStream streams (named "gust_"+name) of
//     messages filed under keys, numbered by JetStream and deleted by it
//     once older than the stream's MaxAge; read forward from a sequence or
//     a time. Logs and the usage ledger live in streams.
//   - Queues: durable work queues (a work-queue stream and one shared
//     consumer) whose messages are redelivered until acknowledged; the
//     asynchronous invocations wait in one.
//   - The raw connection (Conn, JetStream) for packages that need streams or
//     request/reply.
//
// Store deliberately does not know what it stores: no Lambda types, no JSON
// schemas, no caching beyond CachedTable's invalidate-on-watch, no reference
// counting of code packages (the caller decides when a package is unused),
// and no retries beyond what a single compare-and-swap needs. It never runs its own consensus or
// replication: with an external cluster (Options.NATSURL) JetStream replicates.
//
// The embedded server keeps nats-server's default max_payload (1 MB) so that
// code which works on a laptop also works against a default external cluster;
// code packages are stored in 128 KB chunks, well below it.
package store
