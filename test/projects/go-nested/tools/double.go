// Package tools is a module of its own below the root: the root's ./... does not reach it.
package tools

// Double returns 2 * a.
func Double(a int) int { return 2 * a }
