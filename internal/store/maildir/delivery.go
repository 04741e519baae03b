package maildir

import (
	"os"
	"sync"
)

// Deliveries in flight. Append writes a message to tmp/ and hands the
// open file to a few goroutines that fsync and close it: many fsyncs at
// once let the file system commit them together (one journal commit for
// several files on ext4) instead of one after the other. The move into
// new/ or cur/ waits for the file's fsync — a message is never visible
// under its name before its data is durable — and is made in the Box's
// own goroutine, oldest delivery first: by Append for deliveries already
// done, and for all of them by finish, which every other method calls
// first (the Box then looks as if every Append had completed).

const (
	// syncWorkers is the number of goroutines that fsync deliveries.
	syncWorkers = 4
	// maxInFlight bounds the deliveries not yet moved (open files).
	maxInFlight = 16
)

// delivery is one appended message on its way into the box.
type delivery struct {
	w         written
	st        stamp
	sub, info string     // its directory and its info part (":2,FLAGS")
	done      chan error // the outcome of its fsync and close
}

// syncer is the goroutines that fsync deliveries.
type syncer struct {
	jobs chan *delivery
	wg   sync.WaitGroup
}

func newSyncer() *syncer {
	s := &syncer{jobs: make(chan *delivery, maxInFlight)}
	for range syncWorkers {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for d := range s.jobs {
				err := d.w.fh.Sync()
				if cerr := d.w.fh.Close(); err == nil {
					err = cerr
				}
				d.done <- err
			}
		}()
	}
	return s
}

// stop ends the goroutines once every delivery given was synced.
func (s *syncer) stop() {
	close(s.jobs)
	s.wg.Wait()
}

// deliver hands d to the syncer and moves the deliveries whose fsync is
// done, waiting for the oldest while too many are in flight.
func (b *Box) deliver(d *delivery) {
	if b.syncer == nil {
		b.syncer = newSyncer()
	}
	b.inFlight = append(b.inFlight, d)
	b.syncer.jobs <- d
	b.moveDone(false)
}

// moveDone moves the oldest deliveries: those whose fsync is done, or
// (all) every one. A failure is kept for Close (failed).
func (b *Box) moveDone(all bool) {
	for len(b.inFlight) > 0 {
		d := b.inFlight[0]
		var err error
		if all || len(b.inFlight) > maxInFlight {
			err = <-d.done
		} else {
			select {
			case err = <-d.done:
			default:
				return
			}
		}
		b.inFlight[0] = nil
		b.inFlight = b.inFlight[1:]
		if err == nil {
			err = b.move(d)
		} else {
			os.Remove(d.w.path)
		}
		if err != nil && b.failed == nil {
			b.failed = err
		}
	}
}

// finish completes every delivery in flight.
func (b *Box) finish() {
	if len(b.inFlight) > 0 {
		b.moveDone(true)
	}
}

// endDeliveries completes every delivery, stops the syncer and returns
// the first failure of a delivery since the Box was opened.
func (b *Box) endDeliveries() error {
	b.finish()
	if b.syncer != nil {
		b.syncer.stop()
		b.syncer = nil
	}
	return b.failed
}
