package cuda

// Stream is a CUDA stream: work queued on it runs in order. The nil
// *Stream is the context's default (legacy) stream.
type Stream struct {
	c *Context
	h uintptr
}

// NewStream creates a stream.
func (c *Context) NewStream() (*Stream, error) {
	s := &Stream{c: c}
	err := c.do(func() error { return c.api.check("cuStreamCreate", c.api.cuStreamCreate(&s.h, 0)) })
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Stream) handle() uintptr {
	if s == nil {
		return 0
	}
	return s.h
}

// Synchronize waits for the stream's work.
func (s *Stream) Synchronize() error {
	return s.c.do(func() error { return s.c.api.check("cuStreamSynchronize", s.c.api.cuStreamSynchronize(s.h)) })
}

// Destroy releases the stream once its work is done.
func (s *Stream) Destroy() error {
	return s.c.do(func() error { return s.c.api.check("cuStreamDestroy_v2", s.c.api.cuStreamDestroy(s.h)) })
}

// Event marks a point in a stream, for timing and waiting.
type Event struct {
	c *Context
	h uintptr
}

// NewEvent creates an event that records time.
func (c *Context) NewEvent() (*Event, error) {
	e := &Event{c: c}
	err := c.do(func() error { return c.api.check("cuEventCreate", c.api.cuEventCreate(&e.h, 0)) })
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Record queues the event on s (nil: the default stream).
func (e *Event) Record(s *Stream) error {
	return e.c.do(func() error { return e.c.api.check("cuEventRecord", e.c.api.cuEventRecord(e.h, s.handle())) })
}

// Synchronize waits until the event has happened.
func (e *Event) Synchronize() error {
	return e.c.do(func() error { return e.c.api.check("cuEventSynchronize", e.c.api.cuEventSynchronize(e.h)) })
}

// Elapsed is the time in milliseconds from start to e; both must have
// happened (Synchronize on e first).
func (e *Event) Elapsed(start *Event) (float32, error) {
	var ms float32
	err := e.c.do(func() error {
		return e.c.api.check("cuEventElapsedTime", e.c.api.cuEventElapsedTime(&ms, start.h, e.h))
	})
	return ms, err
}

// Destroy releases the event.
func (e *Event) Destroy() error {
	return e.c.do(func() error { return e.c.api.check("cuEventDestroy_v2", e.c.api.cuEventDestroy(e.h)) })
}
