package hackernews

// overlap is how far back, in seconds, each poll looks before the newest
// hit it has seen: HN items reach the search index seconds to minutes
// after they are created, so a strict "newer than the newest" would miss
// an item created just before the newest one but indexed after it.
const overlap = 15 * 60

// cursor is a query's checkpoint: the newest created_at_i published, and
// the ids published within the overlap before it (with their times), which
// the next poll sees again and must not publish twice.
type cursor struct {
	Newest int64            `json:"newest"`
	Recent map[string]int64 `json:"recent,omitempty"`
}

// advance returns the cursor after publishing sweep (id → created_at_i).
func (c cursor) advance(sweep map[string]int64) cursor {
	next := cursor{Newest: c.Newest, Recent: map[string]int64{}}
	for _, at := range sweep {
		next.Newest = max(next.Newest, at)
	}
	for _, m := range []map[string]int64{c.Recent, sweep} {
		for id, at := range m {
			if at > next.Newest-overlap {
				next.Recent[id] = at
			}
		}
	}
	return next
}
