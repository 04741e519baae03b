// Package netrelay is a TCP relay that puts a slow link between a client
// and a server on loopback: every byte is held for a fixed one-way delay
// in each direction (order preserved), optionally behind a bandwidth cap,
// and the relay counts how often the client had to wait for the server.
//
// It exists so that benchmarks and tests can see what latency costs a
// program: on loopback a conversation of 300 lock-step commands costs
// nothing, over a link with a 50 ms round trip it costs 15 s
// (doc/design/wan.md).
//
// # Timing
//
// Start listens on a free loopback port and dials the upstream server for
// every connection it accepts. A chunk read from either side at time t is
// written to the other side at t + Delay (and, with a Bandwidth, no
// earlier than the previous chunk in that direction has finished
// "transmitting": its length / Bandwidth after it started). One queue per
// direction keeps the order. A new connection also pays the TCP handshake
// of a real link: nothing the client sends reaches the server before
// 2×Delay after the accept, and nothing the server sends (its greeting)
// reaches the client before 4×Delay, when a real client would see it
// (the server's kernel completes the handshake 1.5 round trips after the
// client's SYN, and the greeting then travels one more Delay).
//
// # Counting round trips
//
// A turn is a chunk the client sends after server data has been written
// to it since the client's previous chunk: the client sent because it had
// received (an answer it waited for). A client that writes several
// commands without reading in between makes one turn; a lock-step client
// makes one turn per command. A connection counts one more round trip,
// its handshake, so Stats.RoundTrips is Turns + Connections. Two things
// the count does not see: the wait for the answer to the client's last
// command (the one before it closes; usually LOGOUT), and overlap: turns
// on parallel connections are summed although their waits overlap in
// time. A client that keeps sending while answers stream in (pipelining
// with a window) makes a turn for each send that follows newly delivered
// data, so for such clients the count is an upper bound; for lock-step
// clients it is exact.
//
// The "delivered" mark is set just before the relay writes server data to
// the client, so a reply can never be missed; a chunk the client sent
// without waiting that races with that write may be counted once instead
// of the reply that follows it, which leaves the total the same.
package netrelay
