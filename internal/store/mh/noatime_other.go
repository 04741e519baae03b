//go:build !linux

package mh

// oNoAtime is 0 where the platform has no O_NOATIME.
const oNoAtime = 0
