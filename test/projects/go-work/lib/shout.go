// Package lib is a workspace module: the root's ./... does not reach it, go.work's use list does.
package lib

import "strings"

// Shout upper-cases s.
func Shout(s string) string { return strings.ToUpper(s) }
