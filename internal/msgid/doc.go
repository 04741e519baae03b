// Package msgid computes mailsync's message identities
// (doc/design/behaviour.md#message-identity,
// doc/design/decisions.md#d1-id-less-messages): the sanitised Message-ID header
// in msgid mode, or the md5 hash of Date, Subject, Message-ID, From and To in
// md5 mode, exactly as mailsync 5.2.7 computes them.
package msgid
