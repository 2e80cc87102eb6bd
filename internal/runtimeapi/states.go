package runtimeapi

// state is where the conversation between the runtime and the host stands.
// The zero value is the state of a freshly started runtime.
type state uint8

const (
	// stateStarted: the runtime process runs its init code and has not
	// asked for work yet.
	stateStarted state = iota
	// stateInitError: the runtime reported an init failure. Terminal.
	stateInitError
	// stateReady: init is done and no invocation is assigned; the runtime
	// is (or soon will be) waiting in GET /next.
	stateReady
	// stateQueued: Invoke assigned an invocation that no GET /next has
	// taken yet.
	stateQueued
	// stateInvoking: a GET /next took the invocation; the runtime owes its
	// result.
	stateInvoking
	// stateReceiving: the runtime is posting the result and its body is
	// being read (the emulator's InvocationResponse state). A second post
	// is refused while this one is read.
	stateReceiving
	// stateResponded: the result is recorded and handed to Invoke; the
	// runtime will ask for work again.
	stateResponded
	// stateAbandoned: Invoke's context ended before the result arrived.
	// Terminal: the caller destroys the environment, as Lambda does after a
	// timeout.
	stateAbandoned
	// stateClosed: Close was called. Terminal.
	stateClosed

	numStates
)

// String names states in logs and in the errorMessage of
// InvalidStateTransition bodies.
func (s state) String() string {
	switch s {
	case stateStarted:
		return "Started"
	case stateInitError:
		return "InitError"
	case stateReady:
		return "Ready"
	case stateQueued:
		return "Queued"
	case stateInvoking:
		return "Invoking"
	case stateReceiving:
		return "Receiving"
	case stateResponded:
		return "Responded"
	case stateAbandoned:
		return "Abandoned"
	case stateClosed:
		return "Closed"
	}
	return "Unknown"
}

// event is something that happens to the conversation: a runtime request
// (eventNext ... eventInitError), the end of reading a posted result, or a
// host call.
type event uint8

const (
	// eventNext: GET /next arrived, or a waiting GET /next woke up.
	eventNext event = iota
	// eventResponse: POST /invocation/{id}/response for the current id.
	eventResponse
	// eventError: POST /invocation/{id}/error for the current id.
	eventError
	// eventInitError: POST /init/error.
	eventInitError
	// eventReceived: the posted result was read and recorded.
	eventReceived
	// eventInvoke: Invoke assigned an invocation.
	eventInvoke
	// eventAbandon: Invoke's context ended before the result.
	eventAbandon
	// eventClose: Close.
	eventClose

	numEvents
)

func (e event) String() string {
	switch e {
	case eventNext:
		return "Next"
	case eventResponse:
		return "Response"
	case eventError:
		return "Error"
	case eventInitError:
		return "InitError"
	case eventReceived:
		return "Received"
	case eventInvoke:
		return "Invoke"
	case eventAbandon:
		return "Abandon"
	case eventClose:
		return "Close"
	}
	return "Unknown"
}

// target names the state a runtime request asks to enter, for the
// "State transition from X to Y failed" message. Runtime requests use the
// emulator's names, so the messages read as Lambda's do.
func (e event) target() string {
	switch e {
	case eventNext:
		return "Ready"
	case eventResponse:
		return "InvocationResponse"
	case eventError:
		return "InvocationErrorResponse"
	case eventInitError:
		return "InitError"
	case eventReceived:
		return "Responded"
	}
	return e.String()
}

// transitions lists, for each state, the only events it allows and where
// they lead. Everything not listed is denied.
var transitions = [numStates]map[event]state{
	stateStarted: {
		eventNext:      stateReady, // init done
		eventInitError: stateInitError,
		eventClose:     stateClosed,
	},
	stateInitError: {
		eventClose: stateClosed,
	},
	stateReady: {
		eventNext:   stateReady, // another (or reconnected) GET /next waits
		eventInvoke: stateQueued,
		eventClose:  stateClosed,
	},
	stateQueued: {
		eventNext:    stateInvoking, // the event is delivered
		eventAbandon: stateAbandoned,
		eventClose:   stateClosed,
	},
	stateInvoking: {
		// A runtime asking again before answering gets the same event
		// again, as in the emulator (its Ready state re-renders the
		// current invoke). This is what makes a /next whose client
		// vanished mid-delivery lose nothing.
		eventNext:     stateInvoking,
		eventResponse: stateReceiving,
		eventError:    stateReceiving,
		eventAbandon:  stateAbandoned,
		eventClose:    stateClosed,
	},
	stateReceiving: {
		eventReceived: stateResponded,
		eventAbandon:  stateAbandoned,
		eventClose:    stateClosed,
	},
	stateResponded: {
		eventNext:   stateReady,
		eventInvoke: stateQueued, // delivered when the runtime asks
		eventClose:  stateClosed,
	},
	stateAbandoned: {
		eventClose: stateClosed,
	},
	stateClosed: {},
}

// on returns the state e leads to from s, and whether s allows e at all.
func (s state) on(e event) (state, bool) {
	if s >= numStates {
		return s, false
	}
	next, ok := transitions[s][e]
	if !ok {
		return s, false
	}
	return next, true
}
