package ingest

// RecentIDs remembers the last ids a collector published, oldest
// forgotten first, so sources that overlap (a stream and the poll that
// fills its gap, one post matching several queries) publish an item once.
// It is not safe for concurrent use.
type RecentIDs struct {
	ids  map[string]struct{}
	ring []string
	next int
}

// NewRecentIDs remembers up to n ids (n > 0).
func NewRecentIDs(n int) *RecentIDs {
	return &RecentIDs{ids: make(map[string]struct{}, n), ring: make([]string, n)}
}

// Has reports whether id is among the remembered ones.
func (r *RecentIDs) Has(id string) bool { _, ok := r.ids[id]; return ok }

// Add remembers id, forgetting the oldest when full.
func (r *RecentIDs) Add(id string) {
	if r.Has(id) {
		return
	}
	if old := r.ring[r.next]; old != "" {
		delete(r.ids, old)
	}
	r.ring[r.next] = id
	r.ids[id] = struct{}{}
	r.next = (r.next + 1) % len(r.ring)
}
