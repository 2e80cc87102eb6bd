package envs

import "fmt"

// State is where an environment is in its life.
type State int

const (
	Starting     State = iota // sandbox created, bootstrap not yet started
	Initializing              // bootstrap running, not yet at its first /next
	Ready                     // waiting for an invocation
	Invoking                  // one invocation in flight
	Dead                      // destroyed; terminal
	// Pooled: a pre-started runtime, not yet any function's, waiting to
	// be specialised. Placed last so that the numbering above is kept.
	Pooled
)

var stateNames = [...]string{"Starting", "Initializing", "Ready", "Invoking", "Dead", "Pooled"}

func (s State) String() string { return stateNames[s] }

// Event moves an environment between states.
type Event int

const (
	EvStarted     Event = iota // the bootstrap process started
	EvInitDone                 // the runtime reached its first /next
	EvInvokeBegin              // an invocation was handed over
	EvInvokeEnd                // the runtime answered (response or error)
	EvFail                     // init error, exit, timeout, or shutdown
	EvPooled                   // a pooled runtime started and waits to be specialised
	EvSpecialize               // a pooled runtime was given to a function
)

var eventNames = [...]string{"Started", "InitDone", "InvokeBegin", "InvokeEnd", "Fail", "Pooled", "Specialize"}

func (e Event) String() string { return eventNames[e] }

// transitions lists every allowed move; anything else is refused.
var transitions = map[State]map[Event]State{
	Starting:     {EvStarted: Initializing, EvPooled: Pooled, EvFail: Dead},
	Pooled:       {EvSpecialize: Initializing, EvFail: Dead},
	Initializing: {EvInitDone: Ready, EvFail: Dead},
	Ready:        {EvInvokeBegin: Invoking, EvFail: Dead},
	Invoking:     {EvInvokeEnd: Ready, EvFail: Dead},
	Dead:         {},
}

// next returns the state after ev, or an error if ev is not allowed in s.
func next(s State, ev Event) (State, error) {
	if to, ok := transitions[s][ev]; ok {
		return to, nil
	}
	return s, fmt.Errorf("environment in state %s cannot take event %s", s, ev)
}
