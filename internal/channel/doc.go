// Package channel is the sync engine: it turns the listings of two stores
// into paired boxes (pattern expansion, prefix stripping, delimiter
// mapping, box order), decides per box what to copy and delete with the
// 3-way diff against the msinfo state, and carries the plan out through
// the store interfaces. It also implements the list and diff modes. It
// knows no file format and no protocol: everything goes through
// internal/store. It reports what it does as typed events (package
// channel/event), which one printer words onto a Reporter; a box's ids
// live in package channel/idtable. See doc/design/engine.md.
package channel
