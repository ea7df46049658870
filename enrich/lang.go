package enrich

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// LangDetector picks a language from a whitelist. The language a source
// reports wins: platforms know their users' settings better than trigrams
// know a 10-word post.
//
// For the languages it knows (builtinLangs) it decides from word evidence:
// function words, social-media slang, letters and endings that belong to
// one language more than the others. Short posts carry few trigrams but
// almost always a "yang", "the", "que" or "nicht", and a map lookup per
// word is ~20× cheaper than whatlanggo's trigram ranking. When the words
// do not settle it, or the whitelist allows a language it does not know,
// whatlanggo decides.
type LangDetector struct {
	opts    whatlanggo.Options
	allowed map[string]bool
	// use[i] is set when builtinLangs[i] is whitelisted.
	use [numBuiltin]bool
	// extra is set when the whitelist has languages the word evidence
	// cannot see: only a clear win may then skip whatlanggo.
	extra bool
	// fallback is set when whatlanggo knows a whitelisted language, so
	// asking it can help.
	fallback bool
}

// Languages the word evidence knows, in score order.
const (
	lEN = iota
	lID
	lES
	lPT
	lFR
	lDE
	numBuiltin
)

var builtinLangs = [numBuiltin]string{"en", "id", "es", "pt", "fr", "de"}

// NewLangDetector restricts detection to ISO 639-1 codes.
func NewLangDetector(codes []string) *LangDetector {
	d := &LangDetector{opts: whatlanggo.Options{Whitelist: map[whatlanggo.Lang]bool{}}, allowed: map[string]bool{}}
	for _, c := range codes {
		c = strings.ToLower(strings.TrimSpace(c))
		d.allowed[c] = true
		known := false
		for i, b := range builtinLangs {
			if b == c {
				d.use[i], known = true, true
			}
		}
		d.extra = d.extra || !known
	}
	// whatlanggo names languages by ISO 639-3 ("eng"); the configuration
	// uses ISO 639-1 ("en"), as platforms report them. An empty whitelist
	// would make it score every language it knows, 20× slower.
	for l := whatlanggo.Afr; l <= whatlanggo.Zul; l++ {
		if d.allowed[l.Iso6391()] {
			d.opts.Whitelist[l] = true
		}
	}
	d.fallback = len(d.opts.Whitelist) > 0
	return d
}

// Detect returns the language of text, or "" when it cannot tell.
func (d *LangDetector) Detect(text, reported string) string {
	if reported != "" {
		return strings.ToLower(reported)
	}
	if l, ok := d.words(text); ok {
		if l < 0 {
			return ""
		}
		return builtinLangs[l]
	}
	if !d.fallback {
		return ""
	}
	code := whatlanggo.DetectWithOptions(text, d.opts).Lang.Iso6391()
	if !d.allowed[code] {
		return ""
	}
	return code
}

// Decision thresholds on the word evidence, chosen on the labelled
// samples in testdata/lang: a language wins when it has at least minScore
// and leads the runner-up by margin. With languages outside the built-in
// set allowed, a clearer win is needed, since an Italian or Dutch post
// scores a little for its neighbours.
const (
	minScore    = 0.8
	margin      = 0.4
	minScoreX   = 2.5
	marginRatio = 2.0
)

// words decides from word evidence alone: the index of a built-in
// language, or -1 when the text is clearly in a built-in language the
// whitelist does not allow; ok is false when the evidence is not clear.
func (d *LangDetector) words(text string) (int, bool) {
	var sc [numBuiltin]float32
	var buf [48]byte
	n := 0        // bytes of the current word in buf
	long := false // the current word did not fit in buf
	flush := func() {
		if n > 0 && !long {
			w := buf[:n]
			if ev, ok := langWords[string(w)]; ok {
				for i, v := range ev {
					sc[i] += v
				}
			} else if n >= 5 {
				affixes(&sc, w)
			}
		}
		n, long = 0, false
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			default:
				flush()
				if c == '#' || c == '@' || c == '/' {
					// Hashtags, handles and URLs name things; they are
					// not sentences.
					for i < len(text) && text[i] != ' ' && text[i] != '\n' {
						i++
					}
				}
				continue
			}
			if n < len(buf) {
				buf[n] = c
				n++
			} else {
				long = true
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r >= runeLo && r < runeHi {
			for j, v := range runeEvidence[r-runeLo] {
				sc[j] += v
			}
		}
		if !unicode.IsLetter(r) {
			flush()
			continue
		}
		r = unicode.ToLower(r)
		if n+utf8.RuneLen(r) <= len(buf) {
			n += utf8.EncodeRune(buf[n:], r)
		} else {
			long = true
		}
	}
	flush()
	// Rank every language the lists know, whitelisted or not: a German
	// post under an en/id whitelist is neither, not English.
	best, second := 0, -1
	for i := 1; i < numBuiltin; i++ {
		switch {
		case sc[i] > sc[best]:
			best, second = i, best
		case second < 0 || sc[i] > sc[second]:
			second = i
		}
	}
	s1, s2 := sc[best], sc[second]
	var sure bool
	if d.extra {
		sure = s1 >= minScoreX && s1 >= marginRatio*s2
	} else {
		sure = s1 >= minScore && s1-s2 >= margin
	}
	if sure && !d.use[best] {
		// Clearly a language the whitelist does not allow. With other
		// languages allowed whatlanggo may still know better (Galician
		// reads as Portuguese here); otherwise the answer is none.
		return -1, !d.extra
	}
	return best, sure
}

// affixes scores a word that is not in the lists by its ending or
// beginning: weak evidence, but content words are most of a short post.
// The affixes are bucketed by their last (first) byte, so a word is
// compared with a few of them, not all.
func affixes(sc *[numBuiltin]float32, w []byte) {
	for _, a := range suffixByLast[w[len(w)-1]] {
		if len(w) > len(a.s)+1 && endsWith(w, a.s) {
			sc[a.l] += a.w
		}
	}
	for _, a := range prefixByFirst[w[0]] {
		if len(w) > len(a.s)+2 && startsWith(w, a.s) {
			sc[a.l] += a.w
		}
	}
}

func endsWith(w []byte, s string) bool {
	off := len(w) - len(s)
	for i := len(s) - 1; i >= 0; i-- {
		if w[off+i] != s[i] {
			return false
		}
	}
	return true
}

func startsWith(w []byte, s string) bool {
	for i := 0; i < len(s); i++ {
		if w[i] != s[i] {
			return false
		}
	}
	return true
}

var suffixByLast, prefixByFirst = func() (sfx, pfx [256][]affix) {
	for _, a := range langSuffixes {
		sfx[a.s[len(a.s)-1]] = append(sfx[a.s[len(a.s)-1]], a)
	}
	for _, a := range langPrefixes {
		pfx[a.s[0]] = append(pfx[a.s[0]], a)
	}
	return sfx, pfx
}()

type affix struct {
	s string
	l int
	w float32
}

var langSuffixes = []affix{
	{"nya", lID, 1}, {"kan", lID, 0.6}, {"lah", lID, 0.5}, {"annya", lID, 0.5},
	{"ing", lEN, 0.4}, {"ness", lEN, 0.6}, {"ful", lEN, 0.5}, {"ly", lEN, 0.3},
	{"aron", lES, 0.6}, {"iendo", lES, 0.6}, {"encia", lES, 0.6}, {"ísimo", lES, 0.8}, {"ísima", lES, 0.8},
	{"ível", lPT, 1}, {"ência", lPT, 1}, {"ícia", lPT, 0.8}, {"íssimo", lPT, 0.8}, {"íssima", lPT, 0.8}, {"ssimo", lPT, 0.5},
	{"eurs", lFR, 0.6}, {"eur", lFR, 0.3},
	{"ción", lES, 1.5}, {"ciones", lES, 1.5}, {"idad", lES, 0.8}, {"ado", lES, 0.2}, {"ado", lPT, 0.2},
	{"ção", lPT, 1}, {"ções", lPT, 1}, {"inho", lPT, 0.8}, {"inha", lPT, 0.8}, {"dade", lPT, 0.8}, {"agem", lPT, 0.6},
	{"eux", lFR, 0.6}, {"aux", lFR, 0.5}, {"oire", lFR, 0.5}, {"ait", lFR, 0.5}, {"aient", lFR, 0.8}, {"ée", lFR, 0.6},
	{"ung", lDE, 0.8}, {"keit", lDE, 1}, {"heit", lDE, 1}, {"lich", lDE, 0.8}, {"chen", lDE, 0.5}, {"ieren", lDE, 0.6}, {"sch", lDE, 0.3},
}

var langPrefixes = []affix{
	{"meng", lID, 0.7}, {"meny", lID, 0.7}, {"memb", lID, 0.5}, {"diper", lID, 0.7}, {"ketidak", lID, 1},
	{"ge", lDE, 0.15}, {"ver", lDE, 0.2}, {"zu", lDE, 0.2}, {"sch", lDE, 0.4},
}

// langRunes is the evidence of letters and marks that belong to some of
// the languages only.
var langRunes = map[rune][numBuiltin]float32{
	'ñ': {lES: 2}, '¿': {lES: 2}, '¡': {lES: 2},
	'ã': {lPT: 2}, 'õ': {lPT: 2},
	'ç': {lPT: 0.6, lFR: 0.6},
	'ß': {lDE: 2}, 'ä': {lDE: 1.5}, 'ö': {lDE: 1.5}, 'ü': {lDE: 1.5},
	'è': {lFR: 1}, 'ù': {lFR: 1}, 'û': {lFR: 1}, 'î': {lFR: 1}, 'ï': {lFR: 1}, 'ë': {lFR: 0.5}, 'œ': {lFR: 1.5},
	'ê': {lFR: 0.5, lPT: 0.5}, 'â': {lFR: 0.5, lPT: 0.5}, 'ô': {lFR: 0.5, lPT: 0.5},
	'à': {lFR: 0.7, lPT: 0.3},
	'é': {lES: 0.3, lPT: 0.3, lFR: 0.4},
	'á': {lES: 0.5, lPT: 0.5}, 'í': {lES: 0.5, lPT: 0.5}, 'ó': {lES: 0.5, lPT: 0.5}, 'ú': {lES: 0.5, lPT: 0.5},
}

// runeEvidence is langRunes as an array over Latin-1 Supplement and
// Latin Extended-A, where all of them are.
const runeLo, runeHi = 0xA0, 0x180

var runeEvidence = func() (t [runeHi - runeLo][numBuiltin]float32) {
	for r, ev := range langRunes {
		t[r-runeLo] = ev
	}
	return t
}()

// Word lists: function words, pronouns, frequent verbs and the slang and
// abbreviations of social posts. A word in several lists is evidence for
// each, split evenly. Written for earshot; no corpus was copied.
var langWordLists = [numBuiltin]string{
	lEN: `the a an and or but is isn are aren was wasn were be been being am i im i'm you your yours he she it its it's we our they their them
	me my mine this that these those of to in on at for with from by about as into onto over under not no nope yes yeah yep do does did
	don doesn didn dont can can't cant could couldn will won would wouldn should shouldn have has had haven hasn just so very really
	what why how when where who which there here all some any more most than then if because cause get got gets getting new good great
	bad love like thanks thank please pls plz still again after before today tonight now one out up down know think want need time
	best worst ever never anyone everyone anybody nobody someone something nothing everything guys lol lmao omg wtf btw tbh imo idk
	been also only even much many way back too well right off going gonna wanna gotta let let's lets tell said says say make made
	true sure nice cool awesome amazing terrible awful thing things people look looks looking wait waiting still since until while though although yet every each other another again same such own
	ll ve re d`,
	lID: `yang dan di ke dari ini itu untuk dengan tidak tdk gak ga nggak ngga enggak engga gk g bukan belum blm sudah udah udh dah sdh akan
	bisa bs ada saya aku gue gw gua lo lu loe kamu km kalian kita kami dia mereka nya banget bgt sangat sekali aja saja juga jg lagi lg
	sih dong deh kok kan ya yg dgn utk buat karena krn karna tapi tp tetapi kalau kalo klo kl jadi jd sama sm mau pengen ingin minta
	tolong terima kasih makasih mksh mantap mantul keren bagus jelek kecewa parah kenapa knp gimana gmn bagaimana apa apakah siapa kapan
	dimana mana masih cuma cuman hanya baru semua setiap tiap hari kemarin kemaren besok sekarang skrg tadi lama cepat cepet lambat lemot
	murah mahal harga beli pesan pesanan barang sampai sampe datang dateng kirim pakai pake kak min gan sis mbak nih tuh loh lho kah pun
	atau oleh pada seperti kayak kayaknya emang memang banyak sedikit dikit paling lebih kurang tanpa selalu sering jangan jgn harus hrs
	perlu bikin dapat dapet dpt lewat sejak setelah sebelum terus trus trs nanti ntar biar supaya walaupun meskipun padahal soalnya
	sip oke wkwk wkwkwk wkwkwkwk anjir anjay btw2 kuy yuk ayo gitu gini begitu begini banget2 sekalian doang udahan mulu melulu tetep tetap
	lagi2 pas abis habis hrg ongkir bgs jg2 aja2 rp sdgkan sedangkan bener benar salah betul orang temen teman kantor rumah`,
	lES: `el la los las un una unos unas y o de del al que en es son está esta están estoy estás ser fue muy mucho mucha muchos pero por
	para con sin no sí si yo tú tu mi mis me te se le lo les nos su sus este esto eso ese esa como cómo qué porque cuando donde dónde
	hay tiene tengo tienen hace hacer puedo puede quiero gracias hola bueno buena malo mala nada todo todos toda también tambien ya aún
	todavía otra otro vez hoy ayer mañana ahora siempre nunca más mas menos pedido servicio jajaja jaja jajajaja jeje dinero nadie
	alguien algo cuál cual quién quien ni vamos voy va van estar estaba era han he ha hemos tenemos mejor peor gente cosa aquí allí
	muy bien dos tres desde hasta entre sobre contra después antes pues entonces así asi vale oye mira hace favor q xq pq cada`,
	lPT: `o a os as um uma e é de do da dos das em no na nos nas que não nao sim com sem por para pra pro mais muito muita muitos mas já
	eu você voce vc vcs ele ela nós eles elas meu minha seu sua isso isto esse essa este esta aqui ali hoje ontem amanhã agora sempre
	nunca também tambem ainda só bem bom boa ruim obrigado obrigada oi olá tudo todo toda nada quando onde porque qual quem como estou
	está estão tá tô foi ser ter tenho tem têm fazer faz vou vai vão pode posso quero gente cara mano kkk kkkk kkkkk kkkkkk rs né pq tb
	tbm dele dela ao aos à às pelo pela nem lá até depois antes mesmo melhor pior coisa dia vez pedido entrega atendimento ninguém
	alguém algo fiquei ficou estava era foram tinha aí então entao assim mim comigo aqui ta num numa dum duma cadê cade tava tô valeu galera cada`,
	lFR: `le la les l un une des du de d et ou est sont c ce cet cette ces qui que qu quoi je j tu il elle on nous vous ils elles me m te t
	se s mon ma mes ton ta tes son sa ses notre votre leur ne n pas plus rien jamais très tres trop bien mal mais avec sans pour par sur
	dans chez en au aux y a ai avez ont avoir être suis es était été fait faire peux peut veux veut merci bonjour salut oui non alors
	donc car parce comme quand où toujours encore déjà deja aujourd hui hier demain maintenant aussi tout tous toute toutes vraiment
	nul nulle enfin génial ça ca cela ceci voilà mdr ptdr svp stp bref franchement depuis commande livraison personne quelqu quelque chose
	avais avait sera serait fois moi toi lui eux y'a ya rien beaucoup peu vais va vont allez après avant cher chère mauvais bon bonne`,
	lDE: `ich du er sie es wir ihr mich mir dich dir uns euch sich der die das den dem des ein eine einen einem einer und oder aber nicht
	kein keine keinen ist sind bin bist war waren hat habe haben hast hab wird werden wurde kann können muss mit von zu zum zur auf aus
	bei nach für fur über vor um im am an in ins vom schon noch auch nur sehr so mal doch ja nein jetzt heute gestern morgen immer
	wieder warum wieso wie was wer wo wann dass weil wenn als danke bitte gut schlecht geil toll mega leider endlich echt total gibt
	geht mehr alles nichts seit ohne mein meine meinen dein deine unser euer hallo lieferung bestellung kundenservice einfach gerade
	eigentlich wirklich ganz man hier da dann denn diese dieser dieses kommt kam macht gemacht wurde worden würde möchte will wollte
	lecker klasse spitze mist krass seid etwas viel viele schön neue neuen neu paar tag tage woche bis`,
}

var langWords = func() map[string][numBuiltin]float32 {
	owners := map[string][]int{}
	for l, list := range langWordLists {
		for _, w := range strings.Fields(list) {
			// Apostrophes split words when detecting (c'est → c est), so
			// a listed contraction counts through its parts.
			for _, p := range strings.FieldsFunc(w, func(r rune) bool { return r == '\'' }) {
				if o := owners[p]; len(o) == 0 || o[len(o)-1] != l {
					owners[p] = append(o, l)
				}
			}
		}
	}
	m := make(map[string][numBuiltin]float32, len(owners))
	for w, ls := range owners {
		var ev [numBuiltin]float32
		for _, l := range ls {
			ev[l] = 1 / float32(len(ls))
		}
		m[w] = ev
	}
	// An even split misjudges a few very frequent words: "no" is the
	// Spanish negation but only a contraction in Portuguese.
	m["no"] = [numBuiltin]float32{lEN: 0.3, lES: 0.5, lPT: 0.2}
	return m
}()
