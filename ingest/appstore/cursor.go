package appstore

import "time"

// keepIDs is how many of the newest review ids the checkpoint keeps: the
// newest alone would do, but a review can be deleted, and then paging
// would not meet it again and would stop only by date.
const keepIDs = 20

// cursor is a storefront's checkpoint: the newest review time published
// and the ids of the newest reviews, newest first.
type cursor struct {
	Newest time.Time `json:"newest,omitzero"`
	IDs    []string  `json:"ids,omitempty"`
}

type review struct {
	id string
	at time.Time
}

func (c cursor) known() map[string]bool {
	m := make(map[string]bool, len(c.IDs))
	for _, id := range c.IDs {
		m[id] = true
	}
	return m
}

// advance returns the cursor after publishing got, newest first.
func (c cursor) advance(got []review) cursor {
	next := cursor{Newest: c.Newest}
	for _, r := range got {
		if r.at.After(next.Newest) {
			next.Newest = r.at
		}
		if len(next.IDs) < keepIDs {
			next.IDs = append(next.IDs, r.id)
		}
	}
	for _, id := range c.IDs {
		if len(next.IDs) >= keepIDs {
			break
		}
		next.IDs = append(next.IDs, id)
	}
	return next
}
