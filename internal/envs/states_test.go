package envs

import "testing"

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
