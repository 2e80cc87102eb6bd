package envs

import (
	"bytes"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// LogSink receives every line an environment prints, attributed to its log
// group and stream. It must not block: a slow sink must drop, not stall a
// function.
type LogSink interface {
	Line(group, stream string, at time.Time, line string)
}

// logPipe reads an environment's stdout and stderr (one pipe for both, as
// Lambda interleaves them) line by line, and collects the lines of the
// current invocation for X-Amz-Log-Result.
type logPipe struct {
	r     *os.File
	w     *os.File // given to the sandbox; closed by us once the bootstrap has it
	sink  LogSink
	group string
	// stream is set once; read by the reader goroutine.
	stream string

	mu   sync.Mutex
	tail *tailBuffer // nil between invocations
	done chan struct{}
	// waiting is true while the reader is parked in Read with every byte
	// it read before handed on.
	waiting atomic.Bool
}

func newLogPipe(sink LogSink, group, stream string) (*logPipe, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p := &logPipe{r: r, w: w, sink: sink, group: group, stream: stream, done: make(chan struct{})}
	go p.read()
	return p, nil
}

const maxLineBytes = 256 * 1024 // CloudWatch's event limit

// read splits the pipe into lines. waiting is true exactly while the
// goroutine is parked in Read with every earlier byte handed on, which is
// what drain needs to know.
func (p *logPipe) read() {
	defer close(p.done)
	buf := make([]byte, 64*1024)
	var partial []byte
	for {
		p.waiting.Store(true)
		n, err := p.r.Read(buf)
		p.waiting.Store(false)
		chunk := buf[:n]
		for len(chunk) > 0 {
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				partial = append(partial, chunk...)
				if len(partial) >= maxLineBytes {
					p.emit(string(partial))
					partial = partial[:0]
				}
				break
			}
			line := chunk[:i]
			if len(partial) > 0 {
				line = append(partial, line...)
				partial = partial[:0]
			}
			p.emit(string(trimCR(line)))
			chunk = chunk[i+1:]
		}
		if err != nil {
			if len(partial) > 0 {
				p.emit(string(partial))
			}
			return
		}
	}
}

func (p *logPipe) emit(line string) {
	now := time.Now()
	p.mu.Lock()
	if p.tail != nil {
		p.tail.add(line)
	}
	p.mu.Unlock()
	if p.sink != nil {
		p.sink.Line(p.group, p.stream, now, line)
	}
}

// platform writes one of Lambda's own lines (START, END, REPORT) into the
// same stream.
func (p *logPipe) platform(line string) { p.emit(line) }

// beginInvocation starts collecting lines for one invocation.
func (p *logPipe) beginInvocation() {
	p.mu.Lock()
	p.tail = &tailBuffer{}
	p.mu.Unlock()
}

// endInvocation stops collecting and returns the invocation's lines; call
// drain first.
func (p *logPipe) endInvocation() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.tail
	p.tail = nil
	if t == nil {
		return nil
	}
	return t.bytes()
}

// drain waits until every byte written to the pipe so far has been handed
// on as a line (or max passes). A runtime writes its output before it posts
// its response, so after drain the invocation's lines are all collected. A
// partial last line without its newline stays pending, as in Lambda.
func (p *logPipe) drain(max time.Duration) {
	deadline := time.Now().Add(max)
	for {
		n, err := unix.IoctlGetInt(int(p.r.Fd()), unix.TIOCINQ)
		if err != nil || (n == 0 && p.waiting.Load()) {
			return
		}
		if time.Now().After(deadline) {
			return
		}
		runtime.Gosched()
	}
}

// close releases the pipe once the environment is gone and waits for the
// reader to finish.
func (p *logPipe) close() {
	_ = p.w.Close()
	<-p.done
	_ = p.r.Close()
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// TailBytes is how much of an invocation's log X-Amz-Log-Result carries.
const TailBytes = 4096

// tailBuffer keeps the last TailBytes of an invocation's log.
type tailBuffer struct {
	buf []byte
}

func (t *tailBuffer) add(line string) {
	t.buf = append(t.buf, line...)
	t.buf = append(t.buf, '\n')
	if len(t.buf) > 2*TailBytes {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-TailBytes:]...)
	}
}

func (t *tailBuffer) bytes() []byte {
	if len(t.buf) > TailBytes {
		return t.buf[len(t.buf)-TailBytes:]
	}
	return t.buf
}
