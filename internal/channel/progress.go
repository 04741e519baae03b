package channel

// Progress receives the progress of the copies of one box, for a live
// display on a terminal. The engine calls Start before one direction's
// copies, Copied after each message and Stop at the end; a nil Progress
// shows nothing. It never writes to stdout.
type Progress interface {
	Start(box, dir string, count int, bytes int64)
	Copied(bytes int64)
	Stop()
}
