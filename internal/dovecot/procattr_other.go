//go:build !linux

package dovecot

import "syscall"

// masterProcAttr: no parent-death signal outside Linux; Stop (or
// StopShared) must run.
func masterProcAttr() *syscall.SysProcAttr { return nil }
