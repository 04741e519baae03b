package dovecot

import "syscall"

// masterProcAttr makes the kernel send the master SIGTERM if the thread
// that started it dies, so a crashed test binary leaves no server behind.
func masterProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
