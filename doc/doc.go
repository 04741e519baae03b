// Package doc holds mailsync's manual page, mailsync.1, written by hand in
// man(7) macros, and the test that keeps it honest: it renders the page
// with groff and man-db and fails on any warning, and it checks that every
// option the program's usage text lists has an entry in the page. The
// package has no code of its own; `make install` installs the page.
package doc
