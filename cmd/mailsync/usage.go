package main

// usageText is 5.2.7's usage text, byte for byte (doc/design/behaviour.md#usage-text).
const usageText = `mailsync 5.2.7

mailsync [options] channel
       synchronize two stores defined by "channel" or
mailsync [options] store
       list mailboxes contained in "store"
mailsync [options] channel store
       display changes from last seen messages in "channel" to
       those contained in "store"


Options:
  -cd      do copy deleted mailboxes (default is not)
  -n       don't delete messages
  -D       delete any empty mailboxes after synchronizing
  -m       show from, subject, etc. of messages that get expunged or moved
  -M       also show message-ids (turns on -m)
  -s       simulate
  -d       show debug info
  -di      debug/log IMAP protocol telemetry
  -dc      debug configuration
  -v       show imap chatter
  -vb      show warning about braindammaged message ids
  -vw      show warnings
  -vp      show RFC 822 parsing errors
  -f conf  use alternative config file
  -t [msgid|md5] msg id type

`
