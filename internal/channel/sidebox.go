package channel

// sideBox is one box of a run on one side: the side, the box's pair name
// (what the output prints and the msinfo records) and its mailbox name in
// that side's store (what the store's Open, Create and Delete take). A
// run computes it once per box and side, with Side.box, when it starts
// the box (handleBox, diff, list), and hands the value down; nothing
// below derives a box's names again (doc/design/names.md, "One value per
// box"; doc/design/engine.md, "The flow of a sync").
//
// The mailbox name does not change while the run holds the value: a box
// created during the run (ensureBox) is created under it and then
// recorded without a name of its own (Boxes.Add), so Side.Mailbox gives
// the same name before and after (TestCreatedBoxKeepsMailbox).
type sideBox struct {
	side *Side
	// name is the pair name, shared by both sides.
	name string
	// mailbox is Side.Mailbox(name): the name of the box in side's store.
	mailbox string
	// whole: every message of the box is to be copied (the other side's
	// box was created empty by this run and the box has no last state),
	// so it is opened with store.WholeOpener where the store has it
	// (handleBox, prefetch).
	whole bool
}

// box returns box name of side s (name is a pair name).
func (s *Side) box(name string) sideBox {
	return sideBox{side: s, name: name, mailbox: s.Mailbox(name)}
}

// full is the box's c-client name: the store's server, then its mailbox
// name.
func (b sideBox) full() string { return b.side.Cfg.Server + b.mailbox }
