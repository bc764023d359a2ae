// Package nested is the root module of a repository that also holds a module below it (tools/).
package nested

// Add returns a + b.
func Add(a, b int) int { return a + b }
