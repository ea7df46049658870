package reddit

import (
	"cmp"
	"slices"
)

// mark is the newest creation time seen and the fullnames created at that
// very second: Reddit times are whole seconds, so two items can share one
// and "newer than the mark" alone would drop the second of them.
type mark struct {
	At  float64  `json:"at,omitempty"`
	IDs []string `json:"ids,omitempty"`
}

func (m mark) zero() bool { return m.At == 0 && len(m.IDs) == 0 }

// fresh reports whether an item created at t with fullname id is past the mark.
func (m mark) fresh(t float64, id string) bool {
	return t > m.At || (t == m.At && !slices.Contains(m.IDs, id))
}

// advance moves the mark to cover an item.
func (m *mark) advance(t float64, id string) {
	switch {
	case t > m.At:
		m.At, m.IDs = t, []string{id}
	case t == m.At && !slices.Contains(m.IDs, id):
		m.IDs = append(m.IDs, id)
	}
}

// thread is a matching post whose comments are being followed.
type thread struct {
	Created  float64 `json:"created"`  // the post's created_utc
	Comments float64 `json:"comments"` // num_comments when last read
	Newest   mark    `json:"newest"`   // newest comment collected
}

// cursor is the checkpoint of one query: the newest post collected and
// the threads followed for comments, keyed by the post's fullname.
type cursor struct {
	Newest  mark              `json:"newest"`
	Threads map[string]thread `json:"threads,omitempty"`
}

// prune drops threads older than the window and keeps the newest max.
func (c *cursor) prune(oldest float64, max int) {
	type entry struct {
		name    string
		created float64
	}
	var keep []entry
	for name, t := range c.Threads {
		if t.Created < oldest {
			delete(c.Threads, name)
			continue
		}
		keep = append(keep, entry{name, t.Created})
	}
	if len(keep) <= max {
		return
	}
	slices.SortFunc(keep, func(a, b entry) int { return cmp.Compare(b.created, a.created) })
	for _, e := range keep[max:] {
		delete(c.Threads, e.name)
	}
}
