module github.com/mailsync/mailsync

go 1.26.8

require (
	github.com/emersion/go-message v0.18.2
	github.com/rogpeppe/go-internal v1.16.0
)

require (
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/text v0.14.0 // indirect
	golang.org/x/tools v0.26.0 // indirect
)
