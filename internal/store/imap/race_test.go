//go:build race

package imap

// raceEnabled: go-imap v2.0.0-beta.8's reader goroutine goes on parsing
// while a consumer is still in the middle of a literal when the client is
// closed under them (its fetchLiteralReader), a race inside go-imap on a
// connection that is being dropped; a test that closes mid-literal cannot
// run under the race detector.
const raceEnabled = true
