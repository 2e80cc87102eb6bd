// Package runtimes is the catalogue of Lambda runtime identifiers Gust
// accepts and knows how each one starts on this node.
//
// The provided runtimes (provided, provided.al2, provided.al2023) run the
// zip's own executable, /var/task/bootstrap. The Python (python3.9 to
// python3.13) and Node.js (nodejs18.x, nodejs20.x, nodejs22.x) runtimes
// run Gust's own bootstraps, embedded in the binary (python/bootstrap.py,
// node/bootstrap.cjs; standard library and core modules only), on an
// interpreter of the host:
//
//   - Discover finds each runtime's interpreter once, at startup: a path
//     given with --runtime-interpreter, or the first candidate that exists
//     (python3.X: /usr/bin/python3.X, /usr/local/bin/python3.X; nodejsN.x:
//     nodeN, then node, in /usr/bin and /usr/local/bin). Each candidate
//     must live under a directory every sandbox shows (/usr, /bin, /sbin,
//     /lib, /lib64) and report the runtime's version when run once with
//     --version. A configured path that fails these checks stops the
//     server; a runtime none of whose candidates pass is unavailable, and
//     Interpreters.Lookup says what was looked for and how to configure it.
//   - WriteBootstraps writes the bootstraps to a read-only directory named
//     by their hash under the data directory; each runtime's part is
//     mounted at /var/runtime.
//   - Catalogue.Launch gives an environment the command (python3.X -u
//     /var/runtime/bootstrap.py, node /var/runtime/bootstrap.cjs), the
//     directory to mount at /var/runtime and the variables the runtime adds
//     (NODE_PATH), and Catalogue.Available tells control which identifiers
//     functions may use here.
//
// The bootstraps implement the Runtime API loop and Lambda's programming
// model (handler strings, the context object, error documents, log
// formats, init and handler faults); the comment at the top of each says
// what it does. This package does not start environments (envs does), run
// anything but --version, or serve the Runtime API (runtimeapi does).
package runtimes
