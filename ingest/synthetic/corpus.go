package synthetic

import (
	"math/rand/v2"

	"github.com/earshot-dev/earshot/event"
)

type network struct {
	name, host, kind string
	reportsLang      bool
}

var networks = []network{
	{"x", "x.com", event.KindPost, true},
	{"mastodon", "mastodon.social", event.KindPost, true},
	{"bluesky", "bsky.app", event.KindPost, true},
	{"reddit", "reddit.com", event.KindComment, false},
	{"youtube", "youtube.com", event.KindComment, false},
	{"instagram", "instagram.com", event.KindComment, false},
	{"news", "news.example.com", event.KindArticle, false},
	{"appstore", "apps.apple.com", event.KindReview, false},
}

var ownNetworks = []string{"instagram", "facebook", "linkedin", "x", "youtube"}

func networkByName(name string) network {
	for _, n := range networks {
		if n.name == name {
			return n
		}
	}
	return networks[0]
}

type template struct {
	text string
	lang string
	tone int // -1, 0, 1: drives review ratings
}

func (t template) rating(r *rand.Rand) float64 {
	switch t.tone {
	case 1:
		return float64(4 + r.IntN(2))
	case -1:
		return float64(1 + r.IntN(2))
	}
	return 3
}

var praise = []template{
	{"Just switched to {b} and honestly loving it 😍", "en", 1},
	{"{b} support fixed my issue in five minutes. Impressive!", "en", 1},
	{"Big thanks to {b} for the super fast delivery, great service", "en", 1},
	{"The new {b} update is awesome, everything feels faster", "en", 1},
	{"I love how easy {b} makes this. Best purchase this year!", "en", 1},
	{"Really happy with {b}, way better than {o} in my experience", "en", 1},
	{"{b} just keeps getting better. Great job team 👏", "en", 1},
	{"Pelayanan {b} cepat banget, mantap!", "id", 1},
	{"Puas banget sama {b}, recommended buat yang lagi cari", "id", 1},
	{"Makasih {b}, pengirimannya cepat dan rapi 👍", "id", 1},
}

var complaints = []template{
	{"{b} app keeps crashing after the update. Terrible.", "en", -1},
	{"Worst customer service ever, {b}. Still waiting for my refund 😡", "en", -1},
	{"Cancelled my {b} subscription. Not worth the price anymore.", "en", -1},
	{"Really disappointed with {b}, the order arrived broken", "en", -1},
	{"Why is {b} so slow today? This is frustrating", "en", -1},
	{"Three weeks and {b} still hasn't answered my ticket. Awful.", "en", -1},
	{"Aplikasi {b} error terus, kecewa berat", "id", -1},
	{"{b} lambat banget hari ini, parah", "id", -1},
	{"Kecewa sama {b}, barangnya rusak dan belum ada refund", "id", -1},
}

var questions = []template{
	{"Does anyone know if {b} ships to Jakarta?", "en", 0},
	{"Is {b} or {o} better for a small team? Thinking about switching", "en", 0},
	{"How do I export my data from {b}?", "en", 0},
	{"Ada yang tahu {b} buka cabang di Bandung?", "id", 0},
	{"Gimana cara ganti password di {b} ya?", "id", 0},
}

var neutral = []template{
	{"{b} announced a new pricing plan today.", "en", 0},
	{"{b} is opening an office in Singapore next quarter.", "en", 0},
	{"Comparing {b} and {o} for our project this week.", "en", 0},
	{"{b} meluncurkan fitur baru minggu ini.", "id", 0},
}

var outage = []template{
	{"Is {b} down? Can't log in at all #outage", "en", -1},
	{"{b} has been down for an hour, nothing works. Terrible!", "en", -1},
	{"Anyone else getting errors from {b}? Everything is broken", "en", -1},
	{"{b} down lagi?? Nggak bisa login sama sekali", "id", -1},
}
