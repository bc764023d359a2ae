package lib

import "testing"

func TestShout(t *testing.T) {
	if got := Shout("go"); got != "GO" {
		t.Fatalf("Shout(go) = %q, want GO", got)
	}
}
