// Package work is the root module of a go.work workspace that also uses lib/.
package work

import "example.com/work/lib"

// Greet greets name, shouted.
func Greet(name string) string { return "hello " + lib.Shout(name) }
