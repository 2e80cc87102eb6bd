package runtimes

import "slices"

// Family groups runtimes that start the same way.
type Family int

const (
	// Provided runtimes run the zip's own executable "bootstrap".
	Provided Family = iota + 1
	// Python runtimes run Gust's Python bootstrap on a host python3.X.
	Python
	// Node runtimes run Gust's Node.js bootstrap on a host node.
	Node
)

// Runtime is one supported runtime identifier.
type Runtime struct {
	ID     string
	Family Family
	// Version is the language version the identifier promises: "3.11"
	// for python3.11, the major version "20" for nodejs20.x, "" for the
	// provided runtimes.
	Version string
}

var catalogue = []Runtime{
	{"nodejs18.x", Node, "18"}, {"nodejs20.x", Node, "20"}, {"nodejs22.x", Node, "22"},
	{"provided", Provided, ""}, {"provided.al2", Provided, ""}, {"provided.al2023", Provided, ""},
	{"python3.9", Python, "3.9"}, {"python3.10", Python, "3.10"}, {"python3.11", Python, "3.11"},
	{"python3.12", Python, "3.12"}, {"python3.13", Python, "3.13"},
}

// Lookup returns the runtime with identifier id.
func Lookup(id string) (Runtime, bool) {
	i := slices.IndexFunc(catalogue, func(r Runtime) bool { return r.ID == id })
	if i < 0 {
		return Runtime{}, false
	}
	return catalogue[i], true
}

// IDs lists every supported identifier, sorted.
func IDs() []string {
	ids := make([]string, len(catalogue))
	for i, r := range catalogue {
		ids[i] = r.ID
	}
	slices.Sort(ids)
	return ids
}
