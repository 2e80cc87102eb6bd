package runtimes

import "slices"

// Family groups runtimes that start the same way.
type Family int

const (
	// Provided runtimes run the zip's own executable "bootstrap".
	Provided Family = iota + 1
	Python
	Node
)

// Runtime is one supported runtime identifier.
type Runtime struct {
	ID     string
	Family Family
}

var catalogue = []Runtime{
	{"nodejs18.x", Node}, {"nodejs20.x", Node}, {"nodejs22.x", Node},
	{"provided", Provided}, {"provided.al2", Provided}, {"provided.al2023", Provided},
	{"python3.9", Python}, {"python3.10", Python}, {"python3.11", Python},
	{"python3.12", Python}, {"python3.13", Python},
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
