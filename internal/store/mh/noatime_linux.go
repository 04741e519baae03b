package mh

import "syscall"

// oNoAtime asks the kernel not to update the access time on reads.
const oNoAtime = syscall.O_NOATIME
