// Package config owns the mailsync configuration file: the hand-written
// scanner and parser that turn the file into stores and channels, with
// mailsync 5.2.7's exact token rules (comments only at the start of a token,
// backslash as the only quoting, the 1024-byte token limit, the end-of-file
// rules), its error messages and line numbering, and the -dc token trace;
// plus the store fields passcmd, authmech and cafile that 5.2.7 lacks
// (accounts.go; doc/design/accounts.md).
//
// Values are kept exactly as the tokens were read (they may contain any
// byte, including NUL); only the texts 5.2.7 prints through C strings — the
// -dc trace, the token and name in error reports — and the sizelimit number
// stop at the first NUL byte, as they do in 5.2.7.
package config
