package control

import "runtime"

// hostArchitecture is the Lambda architecture name of this node's CPU:
// functions run natively, so only that one is accepted.
var hostArchitecture = map[string]string{"amd64": "x86_64", "arm64": "arm64"}[runtime.GOARCH]
