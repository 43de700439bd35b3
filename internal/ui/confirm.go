package ui

import (
	"errors"
	"net/http"
	"slices"

	"github.com/kaa-plattform/kaa/internal/ui/views"
)

// errUnconfirmed rolls back a destructive action the person has not yet
// confirmed.
var errUnconfirmed = errors.New("ui: not yet confirmed")

// unlessConfirmed is the last step of a destructive action's transaction: it
// returns errUnconfirmed, which rolls everything back, unless the form
// carries bekraftat=ja. The action has then been checked by the same code
// that does it, so the question is asked only of something that would work,
// and a refusal (an end date before the start, say) shows at once.
//
// The handler parses the form, with a size limit, before its transaction:
// reading a slow body while holding the municipality's audit lock would
// hold up everyone else's writes.
func unlessConfirmed(r *http.Request) error {
	if r.PostForm.Get("bekraftat") == "ja" {
		return nil
	}
	return errUnconfirmed
}

// asked reports whether err is errUnconfirmed, and then shows the question
// of the destructive action once, without JavaScript: the answer posts the
// same form again with bekraftat=ja and every field it posted, so that
// nothing is removed by a slip of the finger.
func (h *Handler) asked(w http.ResponseWriter, r *http.Request, err error, question func() (views.Confirm, error)) bool {
	if !errors.Is(err, errUnconfirmed) {
		return false
	}
	c, err := question()
	if err != nil {
		h.fail(w, r, err)
		return true
	}
	c.Action = r.URL.Path
	keys := make([]string, 0, len(r.PostForm))
	for k := range r.PostForm {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == "bekraftat" {
			continue
		}
		for _, v := range r.PostForm[k] {
			c.Values = append(c.Values, [2]string{k, v})
		}
	}
	// The title stays in the browser's history: no name in it.
	h.render(w, r, http.StatusOK, views.ConfirmPage(h.page(r, "Bekräfta"), c))
	return true
}
