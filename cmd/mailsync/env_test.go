package main

import (
	"errors"
	"testing"
)

// TestNoHomeWithF: without HOME, 5.2.7's answer stays "Use -f file";
// with -f, local names resolve in the account's home directory (as
// c-client's do) instead of failing with "no home directory".
func TestNoHomeWithF(t *testing.T) {
	t.Setenv("HOME", "")
	defer func(f func() string) { accountHome = f }(accountHome)
	accountHome = func() string { return "/home/from-passwd" }
	if _, err := loadEnv(true); !errors.Is(err, errNoHome) {
		t.Fatalf("no -f: err = %v, want errNoHome", err)
	}
	env, err := loadEnv(false)
	if err != nil {
		t.Fatal(err)
	}
	if env.Home != "/home/from-passwd" {
		t.Errorf("with -f: Home = %q, want the password database's", env.Home)
	}
}
