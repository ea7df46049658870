package enrich

import (
	"fmt"
	"unicode/utf8"

	"github.com/earshot-dev/earshot/enrich/query"
	"github.com/earshot-dev/earshot/event"
)

// Intents the cue tables score, in tie-break order: when two intents score
// the same, the earlier one wins, because a missed complaint costs a brand
// more than a missed compliment.
const (
	inComplaint = iota
	inPurchase
	inQuestion
	inPraise
	numIntents
	// inAsked scores purchase cues that only count in a question: "the
	// price?" wants to buy, "the price went up" does not.
	inAsked = numIntents
	// inPersonal scores first-person words: a strongly negative or
	// positive post about "my order" is a complaint or praise even when no
	// cue names it; a bad news headline is not.
	inPersonal = numIntents + 1
	numScores  = numIntents + 2
)

var intentLabels = [numIntents]string{event.IntentComplaint, event.IntentPurchase, event.IntentQuestion, event.IntentPraise}

// intentThreshold is the evidence an intent needs to be labelled; below
// it a mention is "other". A strong cue alone reaches it; a weak cue needs
// a second hint (another cue, the sentiment, a question mark).
const intentThreshold = 1.0

// cueGroup is a set of listening queries that each add Weight to one
// intent when they match. Negative weights cancel a cue that a negation
// turns around ("tidak puas" is no praise).
type cueGroup struct {
	Intent int
	Weight float64
	Cues   []string
}

// intentCues are the English and Indonesian cues. Both languages are
// always on: Indonesian posts switch to English mid-sentence all the time.
// Phrases are matched on normalized tokens, so "can't" is `"can t"`.
var intentCues = []cueGroup{
	// Complaints: something failed, cost money or time, or angered.
	{inComplaint, 1, []string{
		// Defects and outages.
		"broken", "cracked", "defective", "faulty", "damaged", "unusable", "useless", `"not working"`,
		`"doesn t work"`, `"does not work"`, `"don t work"`, `"stopped working"`, `"isn t working"`,
		`"won t turn on"`, `"doesn t turn on"`, `"won t charge"`, `"not charging"`, `"dead on arrival"`,
		`"fell apart"`, `"falls apart"`, "malfunction", "malfunctioning", "glitch", "glitchy", "buggy", "laggy",
		"unresponsive", `"keeps crashing"`, "crashing", "crashes", "jams", "jammed", "reboots", "disconnects",
		`"keeps disconnecting"`, `"no signal"`, `"no internet"`, "outage", `"down again"`, "froze", "freezes",
		"frozen", "drains", "leak", "leaks", "leaking", "leaked", "rusted", "overheat", "overheats",
		"overheating", "melted", "burning", "burnt", "torn", "ripped", "peeling", `"logged me out"`,
		`"locked out"`, `"can t log"`, `"cannot log"`, `"can t login"`, `"doesn t exist"`, "expired",
		// Delivery.
		`never NEAR/1 (came OR comes OR arrived OR arrives OR received OR showed OR shipped)`,
		`("no one" OR nobody) NEAR/1 (showed OR came)`, `"didn t show"`, `"didn t receive"`,
		`"did not receive"`, `"hasn t arrived"`, `"not arrived"`, `"not received"`, `"not delivered"`,
		`"marked delivered"`, `"marked as delivered"`, `"in transit"`, `"wrong address"`, `"wrong order"`,
		`"wrong item"`, `"someone else s"`, `"lost my"`, `"losing my"`, `"where is my"`, `"where s my"`,
		`"still waiting"`, `"been waiting"`, `"still not"`, `"still no"`, `"still haven t"`, `"still hasn t"`,
		// Money.
		"refund", "refunds", "refunded", `"money back"`, `charged NEAR/2 twice`, `"double charged"`,
		"overcharged", `"charged me"`, `"hidden fees"`, `"hidden charges"`, "unauthorized", "scam", "scams",
		"scammed", "scammer", "scammers", "fraud", `"rip off"`, "ripoff", `"waste of"`, `"false advertising"`,
		"misleading",
		// Service.
		`"no response"`, `"no reply"`, `"no answer"`, `(nobody OR "no one") NEAR/1 (answer OR answers OR
		answered OR respond OR responds OR responded OR reply OR replies OR replied OR help OR helps OR helped)`,
		`"hung up"`, "unhelpful", "incompetent", "unprofessional", "rude", "yelled", "ghosted", "lied", "liar",
		"refused", "refuses", "denied", `"on hold"`, `"fix this"`, `"fix your"`, `"please fix"`, `"need to fix"`,
		`"needs to fix"`, "suspended", "banned", `"without notice"`, `"without telling"`, `"without warning"`,
		`"no explanation"`,
		// Feelings and verdicts.
		"worst", "terrible", "awful", "horrible", "pathetic", "disgusting", "gross", "disappointed",
		"disappointing", "regret", "regrets", "regretting", "unacceptable", "ridiculous", "complain",
		"complaint", "complaints", "complained", "complaining", "unhappy", "angry", "furious", "livid", "upset",
		"outraged", "annoyed", "annoying", "frustrated", "frustrating", "frustration", "sucks", "trash",
		"garbage", "nightmare", "hassle", "ruined", "shameful", "embarrassing", `"fed up"`, `"sick of"`,
		`"never again"`, `"never ordering"`, `"never buying"`, `"not happy"`, `"not ok"`, `"not good"`,
		`"not great"`, `"not impressed"`, `"give up"`, "impossible", `"so hard"`, `"cancel my"`,
		`"cancelled my"`, `"canceled my"`, `"no longer"`, "stolen",
		`too NEAR/1 (slow OR small OR big OR expensive OR loud OR late OR long OR hard OR much)`,
		// Indonesian: defects and outages.
		"rusak", "rusaknya", "cacat", "pecah", "retak", "sobek", "penyok", "bocor", "basi", "busuk",
		"kadaluarsa", "palsu", "kw", "lemot", "lemotnya", "lelet", "lambat", "ngelag", "ngehang", "hang",
		"eror", "gangguan", "putus", `"force close"`, `"gak nyala"`, `"ga nyala"`, `"tidak menyala"`,
		`"tidak berfungsi"`, `"gak berfungsi"`, `"ga berfungsi"`, `"gak bisa dipakai"`, `"tidak bisa dipakai"`,
		`"ga bisa dipake"`, `"gak bisa dipake"`, `"gak bisa dibuka"`, `"tidak bisa dibuka"`, `"sinyal jelek"`,
		`"gak ada sinyal"`, `"tidak ada sinyal"`, `"berat banget"`, `"berat bgt"`,
		// Indonesian: delivery.
		`"belum sampai"`, `"belum nyampe"`, `"blm nyampe"`, `"belum datang"`, `"belum diterima"`,
		`"belum dikirim"`, `"belum ada kabar"`, `"belum ada tanggapan"`, `"belum juga"`, `"blm sampai"`,
		`"gak sampai"`, `"ga sampai"`, `"gak nyampe"`, `"paket hilang"`, `"barang hilang"`, `"salah alamat"`,
		`"salah kirim"`, `"barang salah"`, "nyasar", "telat", "terlambat", "molor", "ngaret", "nyangkut",
		"tertahan", `"lama banget"`, `"lama bgt"`,
		// Indonesian: money.
		"ditagih", "terpotong", "kepotong", `"saldo hilang"`, `"uang hilang"`, `"uang saya"`, `"uang kembali"`,
		`"pengembalian dana"`, `"belum dikembalikan"`, `"belum direfund"`, `"belum masuk"`, "dibalikin",
		"penipu", "penipuan", "nipu", "ditipu", "rugi",
		// Indonesian: service.
		"kasar", "jutek", "judes", "dicuekin", "diabaikan", `"gak direspon"`, `"tidak direspon"`,
		`"gak ada respon"`, `"slow respon"`, `"slow response"`, "dioper", "dioper2", "nyusahin", "bohong",
		"php", `"susah dihubungi"`, `"nada sibuk"`, `"gak dibales"`, `"ga dibales"`, `"tidak dibalas"`,
		`"gak ditanggapi"`, `"tidak ditanggapi"`, `"ga ditanggapi"`, "diblokir", "hangus", "dilempar",
		`"tanpa pemberitahuan"`, `"tanpa alasan"`, `"tanpa info"`, `"tanpa kabar"`, `"gak becus"`,
		`"tidak becus"`,
		// Indonesian: feelings and verdicts.
		"kecewa", "kecewanya", "mengecewakan", "dikecewakan", "ngecewain", "komplain", "komplainnya",
		"komplen", "keluhan", "kesel", "kesal", "jengkel", "emosi", "sebel", "nyebelin", "benci", "muak",
		"marah", "nyesel", "menyesal", "kapok", "parah", "payah", "buruk", "ancur", "hancur", "zonk",
		"sampah", "keterlaluan", "amburadul", "berantakan", "jahat", "ganggu", "mengganggu",
		`"tidak sesuai"`, `"gak sesuai"`, `"ga sesuai"`, `"nggak sesuai"`, `"ngga sesuai"`, `"tdk sesuai"`,
		`"tidak puas"`, `"gak puas"`, `"ga puas"`, `"nggak puas"`, `"kurang puas"`, `"jelek banget"`,
		`"jelek bgt"`, `"gak jelas"`, `"ga jelas"`, `"tidak jelas"`, `"nggak jelas"`, `"gimana sih"`,
		`"gimana ini"`, `"kok bisa"`, `"gak lagi lagi"`, `"ga lagi lagi"`, `"tidak lagi lagi"`,
		`(gak OR ga OR nggak OR ngga OR tidak OR tdk OR gk OR belum OR blm) NEAR/1 (dingin OR nyala OR
		jalan OR masuk OR muncul OR sampai OR dibales OR dibalas OR ditanggapi OR diproses OR layak OR
		selesai OR berfungsi OR dikirim OR diganti OR direspon)`,
		`(udah OR sudah OR dah) NEAR/2 (hari OR minggu OR bulan OR jam)`,
	}},
	{inComplaint, 0.5, []string{
		"bug", "bugs", "error", "late", "delayed", "delay", "missing", `"customer service"`, "stuck", "lag",
		"lagging", "slow", "avoid", "cancelled", "canceled", `"can t"`, "cannot", "expensive", "overpriced",
		"nobody", "ignored", "ugh", "declined", "keeps", `"won t"`, "still", `"it s been"`, "unbelievable",
		"spam", "wrong", "promised", "removed", "remove", "nothing", "smells", "smell", "dent", "dented",
		"scratch", "scratched", "scratches", "ads", `"doesn t"`, `"didn t"`, "dead", "died", "dies", "hate",
		"hated", "joke", "mess", "fail", "failed", "failure", "waited", `"waiting for"`, "manager", "escalate",
		"switching", "deleting", "policy", "charges", "tear", "tears",
		`(for OR after OR been) NEAR/2 (minutes OR hours OR days OR weeks OR months)`,
		// Indonesian.
		"lama", "jelek", "hilang", "ilang", `"tidak bisa"`, `"gak bisa"`, `"ga bisa"`, `"nggak bisa"`,
		"gabisa", `"ngga bisa"`, `"gk bisa"`, "gagal", "dicancel", "dibatalkan", "nunggu", "menunggu", "udah",
		"sudah", "seminggu", "minggu", `"tolong diproses"`, `"mohon diproses"`, "ribet", `"mahal banget"`,
		"anjir", "bangsat", "mahal", "cs", "tolong", "mohon", "belum", "blm", "mati", "kok", "padahal",
		"salah", "capek", "dikunci", `"baru dipakai"`, `"baru dipake"`, `"baru seminggu"`, "garansi", "bau",
		"panas", "basah", "jangan", "template", "ternyata", "katanya", "lepas", "copot", "susah", "kurir",
		"tagihan", "janji", "males", "percuma", "cuma",
	}},
	// Negations turn complaints around.
	{inComplaint, -1, []string{
		`"never disappoints"`, `"no problems"`, `"no issues"`, `"no complaints"`, `"not bad"`,
		`"gak pernah ngecewain"`, `"ga pernah ngecewain"`, `"tidak pernah mengecewakan"`, `"gak pernah kecewa"`,
		`"tanpa ribet"`, `"gak ribet"`, `"ga ribet"`, `"tidak ribet"`, `"tanpa masalah"`,
		`"gak pernah ada masalah"`, `"tidak pernah ada masalah"`, `"ga pernah ada masalah"`,
		`"no questions asked"`, `"gak nyesel"`, `"ga nyesel"`, `"tidak menyesal"`, `"no regrets"`,
		`"hassle free"`, `(enak OR nagih OR keren OR bagus OR cakep OR mantap OR lucu OR seru) NEAR/1
		(parah OR pol OR abis)`,
	}},
	{inPersonal, 1, []string{
		"i", "my", "me", "mine", "we", "our", "us", `"i m"`, `"i ve"`, `"i d"`,
		"saya", "aku", "ku", "gue", "gua", "gw", "kami", "kita", "punyaku", "pesananku", "paketku",
	}},
	// Purchase intent.
	{inPurchase, 1, []string{
		`"want to buy"`, `"wanna buy"`, `"going to buy"`, `"gonna buy"`, `"planning to buy"`,
		`"thinking of buying"`, `"thinking about buying"`, `"where can i buy"`, `"where to buy"`,
		`"where do i buy"`, `"where can i get"`, `"where to get"`, `"where do i get"`, `"how much"`,
		`"in stock"`, "restock", "restocks", "restocking", `"back in stock"`, `"pre order"`, "preorder",
		`"should i buy"`, `"should i get"`, `"take my money"`, `"need to buy"`, `"add to cart"`, `"to my cart"`,
		`"buying one"`, `"buy one"`, `"want one"`, `"get one"`, `"getting one"`, `"need one"`,
		`"where can i order"`, `"how do i order"`, `"how to order"`, `"can i order"`, `"want to order"`,
		`"price list"`, `"still available"`, `"planning to get"`, `"want to get"`, `"going to get"`,
		`"gonna get"`, `"saving up"`, `"saving for"`, `"might get"`, `"i ll buy"`, `"i ll take"`, "tempted",
		"eyeing", `"shopping for"`, `"in the market for"`, `"pick one up"`, `"do you sell"`, "wishlist",
		`"trade in"`, "cheapest", `"i m buying"`, `"im buying"`,
		// Indonesian.
		`"mau beli"`, `"pengen beli"`, `"pingin beli"`, `"pengin beli"`, `"ingin beli"`, `"ingin membeli"`,
		`"mau order"`, `"mau pesan"`, `"mau pesen"`, `"pengen order"`, `"harga berapa"`, `"berapa harganya"`,
		`"brp harganya"`, "berapaan", `"order dimana"`, `"order di mana"`, `"beli dimana"`, `"beli di mana"`,
		`"belinya dimana"`, `"belinya di mana"`, `"bisa beli"`, `"cara order"`, `"cara pesan"`, `"cara beli"`,
		`"ready stock"`, `"ready stok"`, "pricelist", "minat", `"mau ambil"`, `"mau coba beli"`,
		`"jual dimana"`, `"beli online"`, `"mau checkout"`, `"mau co"`, `"bisa cod"`, `"pesan dimana"`,
		`"mau langganan"`, `"mau upgrade"`, "nabung", "borong", `"tukar tambah"`, `"pengen punya"`,
		`"pengen banget punya"`, `"ingin punya"`, `"ambil satu"`, `"aku ambil"`, `"saya ambil"`, "keranjang",
		`"fix beli"`, "ngincer", "ngincar", "incer", "incaran", `"langsung checkout"`,
	}},
	{inPurchase, 0.5, []string{
		"buy", "buying", "ordering", "discount", "promo", "coupon", "voucher", "available", "deal", "sale",
		"checkout", "budget", "afford", "worth", "cart", `"looking for"`, "debating", `"go for"`, `"i d like"`,
		`"bring back"`, "installment", "installments", "considering", "payday", "upgrade", "subscribe",
		`"sign up"`,
		// Indonesian.
		"cod", "diskon", "katalog", "tertarik", "beli", "order", "pesan", "langganan", "paket", "pengen",
		"harbolnas", "ambil", "gajian", "paylater", "indent",
	}},
	// inAsked cues count toward purchase only in a question.
	{inAsked, 1, []string{
		"price", "prices", "pricing", "cost", "costs", "cheaper", "stock", "harga", "harganya", "stok",
		"ready", "cicilan", "installment", "installments", "kredit", "ongkir", "sell", "sells", "jual",
		"dijual", "grosir", "paylater", `"sold out"`, `"release date"`, "bundle", "bundling",
	}},
	{inAsked, 0.5, []string{
		"buy", "beli", "order", "pesan", "discount", "diskon", "promo", `"do you have"`, `"in store"`,
		"available", "launch", "po", "dp",
	}},
	// Questions (a '?' and a leading question word add to these).
	{inQuestion, 1, []string{
		`"how do i"`, `"how can i"`, `"how do you"`, `"does anyone know"`, `"anyone know"`, `"can anyone"`,
		`"is there a way"`, `"any idea"`, `"any ideas"`, `"wondering if"`, `"wondering whether"`,
		`"can someone"`, `"quick question"`, `"i have a question"`, `"question about"`, `"does it"`,
		`"do you"`, `"is it"`, `"are you"`, `"can you tell"`, `"what time"`, `"what is"`, `"when will"`,
		`"when is"`, `"has anyone"`, `"have you"`, `"do i need"`, `"anyone else"`,
		// Indonesian.
		"apakah", "bisakah", "bolehkah", `"mau tanya"`, `"numpang tanya"`, `"boleh tanya"`, `"tanya dong"`,
		`"ada yang tahu"`, `"ada yang tau"`, `"ada yg tau"`, `"ada yg tahu"`, `"tolong info"`, `"info dong"`,
		`"minta info"`, `"gimana caranya"`, `"bagaimana caranya"`, `"mau nanya"`, `"nanya dong"`,
		`"tanya kak"`, `"tanya min"`, "kapan", "berapa", "gimana", "bagaimana", "dimana", `"di mana"`,
		`"ya kak"`, `"ya min"`, `"bisa gak"`, `"bisa ga"`, `"bisa nggak"`, `"bisa tidak"`, `"ada gak"`,
		`"boleh gak"`, `"apa aja"`, `"ada yang pernah"`, `"ada yg pernah"`,
	}},
	{inQuestion, 0.5, []string{
		"how", "what", "which", "why", "when", "where", "anyone", "wondering", "curious", "tanya", "nanya",
		"kenapa", "mengapa", "kok", "brp", "gmn", "knp", "kpn", "siapa", "caranya", "info", "bisa", "boleh",
		"kalau", "kalo",
	}},
	// Praise.
	{inPraise, 1, []string{
		"love", "loved", "loving", "lovely", "adore", "thank", "thanks", "thankyou", "thanku", "thx", "ty",
		"grateful", "amazing", "awesome", "excellent", "fantastic", "superb", "wonderful", "brilliant",
		"incredible", "outstanding", "gorgeous", "stunning", "impressive", "impressed", "flawless",
		"seamless", "effortless", "delicious", "tasty", "yummy", "perfectly", "best", "great", `"the best"`,
		`"well done"`, `"good job"`, `"great job"`, "kudos", "bravo", "props", `"hats off"`, "respect",
		`"highly recommend"`, `"5 stars"`, `"five stars"`, `"10 10"`, `"works great"`, `"works perfectly"`,
		`"fast delivery"`, `"quick delivery"`, "shoutout", `"shout out"`, "appreciate", "appreciated",
		"appreciation", "lifesaver", `"life saver"`, `"saved me"`, `"saved my"`, "hero", "heroes",
		`"happy with"`, `"so glad"`, "pleased", "delighted", "thrilled", "satisfied", "obsessed", "legend",
		"goat", "goated", "nailed", `"how good"`, `"never disappoints"`, `"no complaints"`, `"spot on"`,
		`"on point"`, `"chef s kiss"`, `"game changer"`, `"must have"`, `"worth every"`, `"top notch"`,
		`"first class"`, `"world class"`, `"big fan"`, `"a joy"`, "generous", `"above and beyond"`,
		`"on time"`, `"hit different"`, `"hits different"`, `"going strong"`, `"like new"`, `"keep coming back"`,
		`"hassle free"`, `"no regrets"`,
		`(so OR really OR very OR super OR most OR extremely) NEAR/1 (good OR kind OR helpful OR
		comfortable OR comfy OR fast OR smooth OR smoother OR nice OR happy OR friendly OR easy OR quick)`,
		// Indonesian.
		"mantap", "mantab", "mantul", "mantep", "keren", "makasih", "makasi", "mksh", "tengkyu",
		`"terima kasih"`, "terimakasih", "puas", "memuaskan", "recommended", "juara", "terbaik", "kece",
		"amanah", "terpercaya", "salut", "apresiasi", "cakep", "joss", "jos", "gokil", "maknyus", "lezat",
		"nikmat", "nagih", "gercep", `"sat set"`, `"tepat waktu"`, "bangga", `"jatuh cinta"`, "andalan",
		"awet", `"tahan lama"`, "berkualitas", `"kualitas bagus"`, "solutif", "responsif", `"fast respon"`,
		`"fast response"`, `"sangat membantu"`, "membantu", "sukses", `"gak pernah ngecewain"`,
		`"ga pernah ngecewain"`, `"tidak pernah mengecewakan"`, `"gak pernah kecewa"`,
		`"gak pernah ada masalah"`, `"tidak pernah ada masalah"`, `"pengiriman cepat"`, `"pengiriman cepet"`,
		"ramah", `"gak nyesel"`, `"ga nyesel"`, `"tidak menyesal"`,
		`(suka OR enak OR bagus OR nyaman OR cocok OR baik OR cepat OR cepet OR puas OR ramah OR murah OR
		lancar OR stabil OR rapi OR sabar OR seneng OR senang) NEAR/1 (banget OR bgt OR sekali OR sangat OR
		super OR paling)`,
		`(enak OR nagih OR keren OR bagus OR cakep OR mantap OR lucu OR seru) NEAR/1 (parah OR pol OR abis)`,
	}},
	{inPraise, 0.5, []string{
		"good", "nice", "perfect", "beautiful", "recommend", "happy", "glad", "cool", "fast", "helpful", "fun",
		"enjoy", "enjoyed", "enjoying", "favorite", "favourite", "fav", "fave", "solid", "smooth", "smoother",
		"cute", "congrats", "congratulations", "comfortable", "comfy", "better", "kind", "wow", "unreal",
		"tidy", "fan", `"brand new"`, "survived", "reliable", "durable", "sturdy", "fresh", "yay", "finally",
		"excited", "quality", "fire", "dope", "elite", "loyal", "blessed",
		// Indonesian.
		"suka", "enak", "bagus", "cepat", "cepet", "rekomen", "senang", "seneng", "bahagia", "cantik",
		"lucu", "gemes", "nyaman", "sesuai", "selamat", "rapi", "rapih", "wangi", "lancar", "aman", "top",
		"cocok", "stabil", "seru", "asik", "asyik", "baik", "original", "ori", "semangat", "ngerti",
		"kualitas", "sopan", "sabar", "bersih", "hemat", "terjangkau", "adem", "lembut", "seger", "segar",
		"favorit", "setia", "konsisten", "cinta",
	}},
	// Negations turn praise around.
	{inPraise, -1, []string{
		`"not good"`, `"not great"`, `"not happy"`, `"not impressed"`, `"not the best"`, `"no thanks"`,
		`"tidak puas"`, `"gak puas"`, `"ga puas"`, `"nggak puas"`, `"kurang puas"`, `"tidak bagus"`,
		`"gak bagus"`, `"ga bagus"`, `"kurang bagus"`, `"tidak enak"`, `"gak enak"`, `"ga enak"`,
		`"nggak enak"`, `"kurang enak"`, `"tidak sesuai"`, `"gak sesuai"`, `"ga sesuai"`, `"nggak sesuai"`,
		`"tidak cepat"`, `"gak cepet"`, `"tidak ramah"`, `"gak ramah"`, `"ga ramah"`, `"kurang ramah"`,
		`"thanks for nothing"`, `"tidak aman"`, `"gak aman"`, `"tidak lancar"`, `"gak lancar"`,
		`"kualitas jelek"`, `"kualitas buruk"`, `"kualitas menurun"`, `"not worth"`, `"gak worth"`,
	}},
}

// questionStarts are words that make a sentence a question when they lead
// it, in either language, and how surely. Mid-sentence they are weak cues
// only ("I know what you did").
var questionStarts = map[string]float64{
	"what": whStartWeight, "what's": whStartWeight, "whats": whStartWeight, "how": whStartWeight,
	"how's": whStartWeight, "why": whStartWeight, "when": whStartWeight, "when's": whStartWeight,
	"where": whStartWeight, "where's": whStartWeight, "who": whStartWeight, "who's": whStartWeight,
	"which": whStartWeight,
	"apa":   whStartWeight, "apakah": whStartWeight, "bagaimana": whStartWeight, "gimana": whStartWeight,
	"gmn": whStartWeight, "kapan": whStartWeight, "kpn": whStartWeight, "kenapa": whStartWeight,
	"knp": whStartWeight, "mengapa": whStartWeight, "berapa": whStartWeight, "brp": whStartWeight,
	"dimana": whStartWeight, "siapa": whStartWeight, "bisakah": whStartWeight, "adakah": whStartWeight,

	"can": auxStartWeight, "could": auxStartWeight, "would": auxStartWeight, "will": auxStartWeight,
	"is": auxStartWeight, "are": auxStartWeight, "am": auxStartWeight, "do": auxStartWeight,
	"does": auxStartWeight, "did": auxStartWeight, "should": auxStartWeight, "has": auxStartWeight,
	"have": auxStartWeight, "anyone": auxStartWeight, "any": auxStartWeight, "was": auxStartWeight,
	"were": auxStartWeight,
	"kok":  auxStartWeight, "bisa": auxStartWeight, "boleh": auxStartWeight, "ada": auxStartWeight,
	"udah": auxStartWeight, "sudah": auxStartWeight, "masih": auxStartWeight,
}

// vocatives lead a post without saying anything about it ("min, kapan
// restock?", "hey @acme how do I …"), so the question word is after them.
var vocatives = map[string]bool{
	"hi": true, "hey": true, "hello": true, "dear": true, "yo": true, "pls": true, "please": true,
	"min": true, "mimin": true, "admin": true, "kak": true, "ka": true, "kakak": true, "gan": true,
	"sis": true, "halo": true, "hai": true, "permisi": true, "maaf": true, "bang": true, "mas": true,
	"mbak": true, "mba": true, "pak": true, "bu": true, "guys": true,
}

// Scores that do not come from the cue table.
const (
	questionMarkWeight = 1.0 // a '?' ending a sentence
	whStartWeight      = 1.0 // what, how, kapan … leading the post
	auxStartWeight     = 0.5 // is, can, bisa … leading the post: often a question, not always
	sentimentWeight    = 0.5 // a negative (positive) mention leans complaint (praise)
	emojiWeight        = 0.5 // 😡 leans complaint, 😍 praise
	sentimentStrong    = 0.5 // |score| from which the sentiment counts twice
)

// IntentStep labels a mention complaint, question, praise, purchase intent
// or other from cue rules, flags it for the care queue (NeedsResponse), marks
// the own accounts' posts (OwnAuthor) and the configured crisis queries that
// match (Crisis). Cues and crisis queries share one compiled matcher, run on
// the document the other steps already tokenized.
type IntentStep struct {
	m      *query.Matcher
	refs   []cueRef  // what each matcher query means, by the index its name spells
	crisis []string  // configured crisis queries, by index
	own    handleSet // own handles and ids
}

// cueRef is what one matched query means: a cue, or crisis query i.
type cueRef struct {
	intent int // -1 for a crisis query
	weight float64
	crisis int
}

// refName names query i of the matcher: zero-padded digits, so the
// matcher's sorted output is in index order (cues, then crisis queries in
// configuration order) and Apply reads the index back without a map.
func refName(i int) string { return fmt.Sprintf("%0*d", refNameDigits, i) }

const refNameDigits = 6

func refIndex(name string) int {
	i := 0
	for k := 0; k < len(name); k++ {
		i = i*10 + int(name[k]-'0')
	}
	return i
}

// NewIntentStep compiles the cue tables and the crisis queries. An error
// names the crisis query that does not parse.
func NewIntentStep(crisis, ownHandles []string) (*IntentStep, error) {
	s := &IntentStep{crisis: crisis, own: newHandleSet(ownHandles)}
	named := map[string]query.Node{}
	for _, g := range intentCues {
		for _, c := range g.Cues {
			node, err := query.Parse(c)
			if err != nil {
				// The tables are ours: a bad cue is a programming error
				// the tests catch, but say which one.
				return nil, fmt.Errorf("intent cue %q: %w", c, err)
			}
			named[refName(len(s.refs))] = node
			s.refs = append(s.refs, cueRef{intent: g.Intent, weight: g.Weight})
		}
	}
	for i, c := range crisis {
		node, err := query.Parse(c)
		if err != nil {
			return nil, fmt.Errorf("enrich.crisis[%d] %q: %w (check it with 'earshot query check')", i, c, err)
		}
		named[refName(len(s.refs))] = node
		s.refs = append(s.refs, cueRef{intent: -1, crisis: i})
	}
	m, err := query.Compile(named)
	if err != nil {
		return nil, fmt.Errorf("compile intent cues and crisis queries: %w", err)
	}
	s.m = m
	return s, nil
}

// Name implements Step.
func (*IntentStep) Name() string { return StepIntent }

// Apply sets Intent, NeedsResponse, OwnAuthor and Crisis.
func (s *IntentStep) Apply(d *Doc) error {
	var buf [32]string
	names := s.m.MatchAppend(buf[:0], d.Query())
	var score [numScores]float64
	for _, n := range names {
		ref := s.refs[refIndex(n)]
		if ref.intent >= 0 {
			score[ref.intent] += ref.weight
			continue
		}
		d.Out.Crisis = append(d.Out.Crisis, s.crisis[ref.crisis])
	}
	textScores(d.Text, &score)
	// The sentiment backs up a cue or a first-person post; alone it would
	// make every piece of bad news a complaint.
	switch sent := d.Out.Sentiment; {
	case sent.Label == event.Negative && (score[inComplaint] > 0 || score[inPersonal] > 0):
		score[inComplaint] += sentimentWeight
		if sent.Score <= -sentimentStrong {
			score[inComplaint] += sentimentWeight
		}
	case sent.Label == event.Positive && (score[inPraise] > 0 || score[inPersonal] > 0):
		score[inPraise] += sentimentWeight
		if sent.Score >= sentimentStrong {
			score[inPraise] += sentimentWeight
		}
	}
	d.Out.Intent = decide(&score)
	d.Out.OwnAuthor = s.isOwn(d.Out.Mention.Author)
	if (d.Out.Intent == event.IntentComplaint || d.Out.Intent == event.IntentQuestion) && !d.Out.OwnAuthor {
		for _, b := range d.Out.Brands {
			if b.Role == event.RoleOwn {
				d.Out.NeedsResponse = true
				break
			}
		}
	}
	return nil
}

// decide turns the scores into a label. A complaint or a purchase question
// phrased as a question is still a complaint or a purchase ("why is my
// order still not here?", "where can I buy it?"), so those win over
// question; a question with a thank-you is still a question to answer.
func decide(score *[numScores]float64) string {
	if score[inQuestion] >= intentThreshold {
		// Asking about a price or stock is wanting to buy.
		score[inPurchase] += score[inAsked]
	}
	best := -1
	for _, in := range [...]int{inComplaint, inPurchase, inPraise} {
		if score[in] >= intentThreshold && (best < 0 || score[in] > score[best]) {
			best = in
		}
	}
	switch {
	case best == inComplaint || best == inPurchase:
		return intentLabels[best]
	case score[inQuestion] >= intentThreshold:
		return event.IntentQuestion
	case best == inPraise:
		return event.IntentPraise
	}
	return event.IntentOther
}

func (s *IntentStep) isOwn(a event.Author) bool {
	return a.Handle != "" && s.own.has(a.Handle) || a.ID != "" && s.own.has(a.ID)
}

// textScores adds what the cue table cannot see: question marks, a
// question word leading the post, and emojis that carry a complaint or
// praise.
func textScores(text string, score *[numScores]float64) {
	score[inQuestion] += leadingQuestion(text)
	asked := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '?' {
			// A '?' inside a URL's query string is followed by a
			// parameter; a question's ends a word.
			if i+1 == len(text) || !isASCIIAlnum(text[i+1]) {
				asked = true
			}
			continue
		}
		if c < utf8.RuneSelf {
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '？' {
			asked = true
		}
		switch emojiLean(r) {
		case inComplaint:
			score[inComplaint] += emojiWeight
		case inPraise:
			score[inPraise] += emojiWeight
		}
		i += size - 1
	}
	if asked {
		score[inQuestion] += questionMarkWeight
	}
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// emojiLean says which intent an emoji leans to, or -1.
func emojiLean(r rune) int {
	switch r {
	case '😡', '😠', '🤬', '👎', '💔', '😤', '😒', '🙄', '😩', '😫', '😭', '🤦':
		return inComplaint
	case '😍', '🥰', '❤', '💕', '💖', '💯', '👏', '🙌', '🤩', '😋', '💙', '💚', '💜', '🧡', '👍', '⭐', '🌟':
		return inPraise
	}
	return -1
}

// leadingQuestion returns the question weight of the first word of text,
// skipping @handles, #hashtags, punctuation and vocatives ("min, kapan …").
// Words with an apostrophe are taken whole, so "can't" is not "can". It
// does not allocate: words are lower-cased into a stack buffer.
func leadingQuestion(text string) float64 {
	var buf [16]byte
	for skipped := 0; skipped < 4; skipped++ {
		i := 0
		for i < len(text) && !isASCIIAlnum(text[i]) && text[i] != '@' && text[i] != '#' && text[i] < utf8.RuneSelf {
			i++
		}
		if i == len(text) {
			return 0
		}
		text = text[i:]
		if text[0] == '@' || text[0] == '#' {
			j := 1
			for j < len(text) && (isASCIIAlnum(text[j]) || text[j] == '_' || text[j] == '.') {
				j++
			}
			text = text[j:]
			continue
		}
		j, n := 0, 0
		for j < len(text) && (isASCIIAlnum(text[j]) || text[j] == '\'') {
			if n < len(buf) {
				c := text[j]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				buf[n] = c
			}
			n++
			j++
		}
		if n == 0 || n > len(buf) {
			return 0 // a non-ASCII or very long first word: no question word of ours
		}
		if w := buf[:n]; !vocatives[string(w)] {
			return questionStarts[string(w)]
		}
		text = text[j:]
	}
	return 0
}
