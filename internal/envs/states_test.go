package envs

import (
	"errors"
	"strings"
	"testing"
)

func TestEveryStateEventPair(t *testing.T) {
	allowed := map[[2]int]State{
		{int(Starting), int(EvStarted)}:      Initializing,
		{int(Starting), int(EvFail)}:         Dead,
		{int(Starting), int(EvPooled)}:       Pooled,
		{int(Pooled), int(EvSpecialize)}:     Initializing,
		{int(Pooled), int(EvFail)}:           Dead,
		{int(Initializing), int(EvInitDone)}: Ready,
		{int(Initializing), int(EvFail)}:     Dead,
		{int(Ready), int(EvInvokeBegin)}:     Invoking,
		{int(Ready), int(EvFail)}:            Dead,
		{int(Invoking), int(EvInvokeEnd)}:    Ready,
		{int(Invoking), int(EvFail)}:         Dead,
	}
	for s := Starting; s <= Pooled; s++ {
		for ev := EvStarted; ev <= EvSpecialize; ev++ {
			got, err := next(s, ev)
			want, ok := allowed[[2]int{int(s), int(ev)}]
			switch {
			case ok && (err != nil || got != want):
				t.Errorf("%s + %s = %s, %v; want %s", s, ev, got, err, want)
			case !ok && err == nil:
				t.Errorf("%s + %s was allowed (→ %s); want refused", s, ev, got)
			case !ok && got != s:
				t.Errorf("%s + %s refused but changed state to %s", s, ev, got)
			}
		}
	}
}

func TestPlatformErrorsMatchByType(t *testing.T) {
	err := error(platformError(ErrTimedOut, "req", "Task timed out after %.2f seconds", 1.0))
	if !errors.Is(err, ErrTimedOut) || errors.Is(err, ErrExit) {
		t.Errorf("%v: errors.Is does not match its own type only", err)
	}
	var fe *FunctionError
	if !errors.As(err, &fe) || fe.Type != "Sandbox.Timedout" || !strings.Contains(string(fe.Body), `"errorMessage":"RequestId: req Error: Task timed out after 1.00 seconds"`) {
		t.Errorf("platform error %+v", fe)
	}
	if errors.Is(&FunctionError{Type: "ZeroDivisionError"}, ErrUnknown) {
		t.Error("a runtime's error matches a platform error")
	}
}
