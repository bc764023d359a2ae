package work

import "testing"

func TestGreet(t *testing.T) {
	if got := Greet("go"); got != "hello GO" {
		t.Fatalf("Greet(go) = %q, want %q", got, "hello GO")
	}
}
