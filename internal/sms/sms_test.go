package sms

import "testing"

func TestIsStop(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]bool{"STOPP": true, " stopp ": true, "Stopp.": true, "stop": true, "Stoppa inte": false, "": false, "Nej": false} {
		if got := IsStop(text); got != want {
			t.Errorf("IsStop(%q) = %v", text, got)
		}
	}
}

func TestCheckText(t *testing.T) {
	t.Parallel()
	s := &Sender{Provider: &Elks{}}
	if err := s.CheckText("  "); err != ErrEmpty {
		t.Errorf("blank: %v", err)
	}
	long := make([]rune, ElksMaxLength+1)
	for i := range long {
		long[i] = 'å' // counted as characters, not bytes
	}
	if err, ok := s.CheckText(string(long)).(*TooLongError); !ok || err.Length != ElksMaxLength+1 {
		t.Errorf("too long: %v", err)
	}
	if err := s.CheckText(string(long[1:])); err != nil {
		t.Errorf("at the limit: %v", err)
	}
}
