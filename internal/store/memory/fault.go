package memory

// fault counts mutating calls (Create, Delete, Append, MarkDeleted,
// Expunge) and makes them fail once armed.
type fault struct {
	left int   // calls still allowed to succeed before failing; valid if err != nil
	err  error // nil: no fault armed
	done int   // successful mutating calls so far
}

// next returns the error the coming mutating call must fail with, or nil.
func (f *fault) next() error {
	if f.err == nil {
		return nil
	}
	if f.left > 0 {
		f.left--
		return nil
	}
	return f.err
}

// FailAfter arms a fault: of the coming mutating calls (Append,
// MarkDeleted, Expunge, Create, Delete), the first n-1 succeed and the
// n-th and every later one fail with an error wrapping err, changing
// nothing. n <= 0 or a nil err disarms the fault.
func (s *Store) FailAfter(n int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 || err == nil {
		s.fault.err = nil
		return
	}
	s.fault.left, s.fault.err = n-1, err
}

// Mutations returns how many mutating calls have succeeded so far: run a
// scenario once to learn how many FailAfter points it has.
func (s *Store) Mutations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fault.done
}
