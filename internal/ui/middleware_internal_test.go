package ui

import "testing"

// The felkod goes out in the loggkontroll extract: an id Excel would read as
// a number (12e45, 0123…) must never be made.
func TestRequestIDIsNeverANumber(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		id   string
		want bool
	}{{"1234567890123456", true}, {"12345e7890123456", true}, {"12e4e67890123456", false}, {"a234567890123456", false}} {
		if got := numberLike(c.id); got != c.want {
			t.Errorf("numberLike(%q) = %v", c.id, got)
		}
	}
	for range 20000 {
		if id := newRequestID(); numberLike(id) || len(id) != 16 {
			t.Fatalf("request id %q", id)
		}
	}
}
