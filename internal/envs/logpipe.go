package envs

import (
	"bufio"
	"os"
	"sync"
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

func (p *logPipe) read() {
	defer close(p.done)
	br := bufio.NewReaderSize(p.r, 64*1024)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			for err == bufio.ErrBufferFull && len(line) < maxLineBytes {
				// Long line: keep reading until its end (bounded).
				more, e := br.ReadSlice('\n')
				line = append(append([]byte(nil), line...), more...)
				err = e
			}
			p.emit(string(trimNewline(line)))
		}
		if err != nil && err != bufio.ErrBufferFull {
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

// endInvocation stops collecting and returns the invocation's lines. It
// first waits briefly for output the function wrote before answering but
// that is still in the pipe.
func (p *logPipe) endInvocation() []byte {
	p.drain(20 * time.Millisecond)
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.tail
	p.tail = nil
	if t == nil {
		return nil
	}
	return t.bytes()
}

// drain waits until the pipe holds no unread bytes (or max passes). A
// runtime writes its output before it posts its response, so once the pipe
// is empty every earlier line has been read.
func (p *logPipe) drain(max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		n, err := unix.IoctlGetInt(int(p.r.Fd()), unix.TIOCINQ)
		if err != nil || n == 0 {
			// Give the reader goroutine a moment to hand on what it read.
			time.Sleep(200 * time.Microsecond)
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// close releases the pipe once the environment is gone and waits for the
// reader to finish.
func (p *logPipe) close() {
	_ = p.w.Close()
	<-p.done
	_ = p.r.Close()
}

func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
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
