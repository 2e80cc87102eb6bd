package envs

import (
	"bytes"
	"os"
	"sync"
	"syscall"
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
//
// Every read of the pipe, the reader goroutine's and drain's, happens with
// readMu held and hands its bytes on before releasing it, so once drain
// has read the pipe empty every byte written before is a line (or the
// start of one).
type logPipe struct {
	r  *os.File
	rc syscall.RawConn
	w  *os.File // given to the sandbox; closed by us once the bootstrap has it

	readMu  sync.Mutex
	buf     []byte
	partial []byte // a line without its newline yet

	mu sync.Mutex
	// sink, group and stream are set at creation, or for a pooled
	// environment when it is given to a function (attribute).
	sink   LogSink
	group  string
	stream string
	tail   *tailBuffer // nil between invocations
	done   chan struct{}
}

func newLogPipe(sink LogSink, group, stream string) (*logPipe, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	rc, err := r.SyscallConn()
	if err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	p := &logPipe{r: r, rc: rc, w: w, sink: sink, group: group, stream: stream, buf: make([]byte, 64*1024), done: make(chan struct{})}
	go p.read()
	return p, nil
}

const maxLineBytes = 256 * 1024 // CloudWatch's event limit

// read hands on what the pipe holds whenever it becomes readable, until
// every writer has closed it.
func (p *logPipe) read() {
	defer close(p.done)
	for {
		eof := false
		err := p.rc.Read(func(fd uintptr) bool {
			// false: wait until the pipe is readable again, then call back.
			eof = p.readAvailable(int(fd))
			return eof
		})
		if eof || err != nil {
			p.readMu.Lock()
			if len(p.partial) > 0 {
				p.emit(string(p.partial))
				p.partial = nil
			}
			p.readMu.Unlock()
			return
		}
	}
}

// readAvailable reads the pipe until it would block, handing lines on; it
// reports whether the pipe reached its end.
func (p *logPipe) readAvailable(fd int) (eof bool) {
	p.readMu.Lock()
	defer p.readMu.Unlock()
	for {
		n, err := unix.Read(fd, p.buf)
		switch {
		case n > 0:
			p.consume(p.buf[:n])
		case err == unix.EINTR:
		case err == unix.EAGAIN:
			return false
		default: // n == 0: every writer closed; or a real error
			return true
		}
	}
}

// consume splits chunk into lines. Called with readMu held.
func (p *logPipe) consume(chunk []byte) {
	for len(chunk) > 0 {
		i := bytes.IndexByte(chunk, '\n')
		if i < 0 {
			p.partial = append(p.partial, chunk...)
			if len(p.partial) >= maxLineBytes {
				p.emit(string(p.partial))
				p.partial = p.partial[:0]
			}
			return
		}
		line := chunk[:i]
		if len(p.partial) > 0 {
			line = append(p.partial, line...)
			p.partial = p.partial[:0]
		}
		p.emit(string(trimCR(line)))
		chunk = chunk[i+1:]
	}
}

func (p *logPipe) emit(line string) { p.write(line, true) }

// write sends line to the log group and, when tailed and an invocation is
// collecting, to its LogResult tail.
func (p *logPipe) write(line string, tailed bool) {
	now := time.Now()
	p.mu.Lock()
	if p.tail != nil && tailed {
		p.tail.add(line)
	}
	sink, group, stream := p.sink, p.group, p.stream
	p.mu.Unlock()
	if sink != nil {
		sink.Line(group, stream, now, line)
	}
}

// attribute sends the lines from now on to sink under group and stream.
func (p *logPipe) attribute(sink LogSink, group, stream string) {
	p.mu.Lock()
	p.sink, p.group, p.stream = sink, group, stream
	p.mu.Unlock()
}

// platform writes one of Lambda's own lines (START, END, REPORT) into the
// same stream.
func (p *logPipe) platform(line string) { p.emit(line) }

// platformUntailed writes a platform line that AWS's LogResult leaves out
// (INIT_START: the tail starts at the invocation's own lines).
func (p *logPipe) platformUntailed(line string) { p.write(line, false) }

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

// drain hands on every byte written to the pipe so far. A runtime writes
// its output before it posts its response, so after drain the invocation's
// lines are all collected. A partial last line without its newline stays
// pending, as in Lambda.
func (p *logPipe) drain() {
	_ = p.rc.Control(func(fd uintptr) { p.readAvailable(int(fd)) })
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
