package sentiment

// IndonesianSpec is the project's own Indonesian lexicon: no licensed one
// exists to ship. It lists the common evaluative words of reviews, care
// conversations and social posts (standard forms, their affixed variants
// where the affix changes little, and slang), with valences on VADER's
// −4…4 scale chosen to match the English lexicon's for the same meaning
// (bagus≈good 1.9, mantap≈great, kecewa≈disappointed −2.5). English words
// it does not know fall back to the English lexicon, since Indonesian
// posts mix them in freely ("recommended", "worth it", "best").
func IndonesianSpec() Spec {
	return Spec{
		Words:    indonesianWords,
		Negators: []string{"tidak", "bukan", "belum", "jangan", "kurang", "tanpa", "ora"},
		Boosters: map[string]float64{
			"sangat": boostIncr, "amat": boostIncr, "paling": boostIncr, "terlalu": boostIncr,
			"super": boostIncr, "sungguh": boostIncr, "bener": boostIncr, "benar": boostIncr,
			"makin": boostIncr * 0.7, "semakin": boostIncr * 0.7, "begitu": boostIncr * 0.7,
			"sangatlah": boostIncr, "teramat": boostIncr,
			"agak": -boostIncr, "sedikit": -boostIncr, "cukup": -boostIncr * 0.7,
			"lumayan": -boostIncr * 0.7, "rada": -boostIncr,
		},
		PostBoosters: map[string]float64{
			"banget": boostIncr, "sekali": boostIncr, "amat": boostIncr, "pol": boostIncr,
			"abis": boostIncr, "parah": boostIncr, "gila": boostIncr, "bener": boostIncr,
			"beneran": boostIncr, "poll": boostIncr, "buanget": boostIncr,
		},
		Contrast: []string{"tapi", "tetapi", "namun", "cuma", "cuman", "sayangnya"},
		Phrases: map[string]float64{
			"tidak sabar": 1.8, "kurang ajar": -2.8, "terima kasih": 1.8, "biasa saja": -0.8,
			"tidak apa": 0, "buang uang": -2.3, "buang waktu": -2.3, "bukan main": 2,
			"mantap jiwa": 3, "luar biasa": 3,
			"tidak jelas": -1.8, "tidak masuk": -1, "salah kirim": -2, "tidak sesuai": -2,
			"tidak datang": -1.8, "tidak sampai": -1.8, "belum sampai": -1.5, "belum datang": -1.5,
			"sesuai pesanan":   1.5,
			"sesuai deskripsi": 1.5, "sesuai gambar": 1.3, "sesuai foto": 1.3,
			"hati hati": -1.2, "naik harga": -1, "harga naik": -1, "makan hati": -2.3,
		},
		Aliases:  indonesianAliases,
		Suffixes: []string{"nya", "lah", "kah", "pun", "in", "an"},
		// ter- makes superlatives and accidents (terburuk, termahal),
		// ke-…-an excess (kemahalan): the stem's sentiment holds.
		Prefixes: []string{"ter", "ke"},
	}
}

var indonesianWords = map[string]float64{
	// positive: quality, service, feelings
	"bagus": 1.9, "baik": 1.8, "mantap": 2.6, "keren": 2.3, "hebat": 2.6, "puas": 2.2,
	"memuaskan": 2.4, "senang": 2.2, "gembira": 2.4, "bahagia": 2.8, "suka": 1.8,
	"menyukai": 1.8, "cinta": 3, "mencintai": 3, "sayang": 0.8, "cepat": 1.5, "cepet": 1.5,
	"ramah": 2, "recommended": 2.3, "rekomendasi": 1.2, "top": 2, "juara": 2.5,
	"terbaik": 3.1, "enak": 2, "lezat": 2.5, "nikmat": 2.2, "murah": 1.2, "terjangkau": 1.5,
	"hemat": 1.2, "worth": 1.8, "worthit": 2.2, "oke": 1.2, "sip": 1.8, "asik": 1.8,
	"asyik": 1.8, "seru": 2, "lucu": 1.5, "gemas": 1.5, "cantik": 2, "ganteng": 1.8,
	"indah": 2.2, "nyaman": 2, "aman": 1.5, "lancar": 1.8, "responsif": 1.8, "fast": 1.3,
	"membantu": 1.8, "bermanfaat": 2, "berguna": 1.8, "terbantu": 1.8, "profesional": 1.8,
	"sopan": 1.8, "jujur": 1.5, "amanah": 2, "berkualitas": 2, "original": 1, "ori": 1,
	"asli": 0.8, "awet": 1.8, "rapi": 1.5, "bersih": 1.5, "wangi": 1.5, "segar": 1.5,
	"gercep": 2, "satset": 1.8, "kece": 2, "joss": 2.3, "jos": 2.3, "ajib": 2, "gokil": 1.5,
	"bangga": 2, "terharu": 1.5, "semangat": 1.5, "sukses": 2.3, "berhasil": 1.8,
	"untung": 1.5, "beruntung": 2, "makasih": 1.8, "terimakasih": 1.8, "mantul": 2.6,
	"lumayan": 1.2, "nagih": 2, "favorit": 2, "andalan": 1.8,
	"istimewa": 2.5, "sempurna": 3, "luarbiasa": 3, "menyenangkan": 2.2, "menarik": 1.5,
	"kuat": 1, "mulus": 1.5, "jernih": 1.5, "tajam": 1, "stabil": 1.3,
	"kencang": 1.3, "kenceng": 1.3, "ngebut": 1, "wow": 2,
	"recomended": 2.3, "rekomen": 2, "pas": 0.8, "cocok": 1.5, "sesuai": 1, "tepat": 1.3,
	"sabar": 1.3, "tanggap": 1.8, "sigap": 1.8, "solutif": 2, "informatif": 1.5,
	"inovatif": 1.8, "canggih": 1.8, "elegan": 1.8, "mewah": 1.5, "praktis": 1.5,
	"mudah": 1.3, "gampang": 1.3, "simpel": 1, "ringan": 0.8, "empuk": 1.5, "lembut": 1.3,
	"harum": 1.5, "manis": 1.2, "gurih": 1.8, "renyah": 1.5, "mengenyangkan": 1.3,
	"salut": 2.2, "respect": 1.8, "kagum": 2.2, "takjub": 2.2,
	"berterima": 1, "syukur": 1.8, "alhamdulillah": 1.8, "bersyukur": 2,
	"lega": 1.8, "tenang": 1.3, "damai": 1.8, "sehat": 1.5, "menang": 2.3, "unggul": 2,
	"maju": 1.3, "berkembang": 1.3, "meningkat": 1.2, "gratis": 0, "free": 0,
	"setia": 1.5, "loyal": 1.5, "percaya": 1.2, "terpercaya": 2, "menolong": 1.8,
	"idaman": 2.2, "impian": 1.5,
	"mengagumkan": 2.6, "memukau": 2.5, "apik": 2, "ciamik": 2.3, "maknyus": 2.5,
	"uenak": 2.3, "endul": 2.3, "nampol": 2, "pecah": -0.5,
	// negative: quality, service, feelings
	"kecewa": -2.5, "mengecewakan": -2.7, "ngecewain": -2.5, "dikecewakan": -2.5,
	"lambat": -1.8, "lelet": -2, "lemot": -2, "lama": -0.6, "parah": -2, "rusak": -2.3,
	"mahal": -1.3, "ribet": -1.8, "zonk": -2.5, "nyesel": -2.3, "menyesal": -2.3,
	"buruk": -2.5, "jelek": -2.3, "payah": -2.3, "busuk": -2.5, "bohong": -2.5,
	"penipu": -3, "tipu": -2.8, "nipu": -2.8, "penipuan": -3, "ditipu": -2.8,
	"kesal": -2.2, "kesel": -2.2, "marah": -2.5, "benci": -3, "sebel": -2, "bete": -1.8,
	"capek": -1.5, "cape": -1.5, "males": -1.2, "malas": -1.2, "susah": -1.5, "sulit": -1.3,
	"gagal": -2.2, "error": -1.5, "eror": -1.5, "hilang": -1.3, "ilang": -1.3,
	"telat": -1.8, "terlambat": -1.8, "pending": -1, "batal": -1.2, "dibatalkan": -1.3,
	"komplain": -1.5, "keluhan": -1.5, "masalah": -1.5, "bermasalah": -2, "kendala": -1.3,
	"gangguan": -1.8, "mati": -1.5, "bocor": -1.8, "cacat": -2.3, "penyok": -1.8,
	"retak": -1.8, "kotor": -1.8, "bau": -1.5, "basi": -2.2, "hambar": -1.5, "kasar": -2,
	"judes": -2, "jutek": -2, "sombong": -2, "cuek": -1.5, "lag": -1.5, "ngelag": -1.5,
	"ngehang": -1.5, "hang": -1.3, "boros": -1.5, "panas": -0.5, "berisik": -1.5,
	"sakit": -1.8, "takut": -1.5, "khawatir": -1.5, "sedih": -2.2, "galau": -1.3,
	"kacau": -2, "ancur": -2.5, "hancur": -2.5, "rugi": -2.2, "merugikan": -2.3,
	"sampah": -2.8, "anjing": -1.5, "bangsat": -3, "brengsek": -3, "tai": -2.5,
	"goblok": -2.8, "bodoh": -2.3, "tolol": -2.8, "bego": -2.3, "kampret": -2,
	"sialan": -2.5, "sial": -2, "nyebelin": -2.3, "menyebalkan": -2.3, "ngeselin": -2.3,
	"menjengkelkan": -2.3, "lebay": -1, "norak": -1.5, "alay": -1, "mengganggu": -1.8,
	"ganggu": -1.5, "spam": -1.5, "php": -2, "palsu": -2.3, "kw": -1.5, "abal": -2,
	"murahan": -1.8, "overprice": -2, "overpriced": -2, "kemahalan": -1.8, "pelit": -1.5,
	"antri": -0.8, "ngantri": -0.8, "macet": -1.5, "kapok": -2.5, "ogah": -1.5,
	"lambreta": -1.8, "nyesal": -2.3, "tertipu": -2.8,
	"curang": -2.5, "korupsi": -2.5, "mencurigakan": -1.5, "aneh": -1, "bingung": -1.2,
	"ngaco": -2, "ngawur": -2, "asal": -0.8, "asalan": -1.8, "seenaknya": -2, "semena": -2,
	"terlantar": -2, "diabaikan": -2, "dicuekin": -2,
	"dibohongi": -2.7, "nunggu": -0.5, "menunggu": -0.3,
	"lelah": -1.5, "stres": -2, "stress": -2, "frustasi": -2.3, "pusing": -1.5,
	"mumet": -1.5, "repot": -1.3, "menyusahkan": -2, "nyusahin": -2, "merepotkan": -1.8,
	"bodo": -2, "nyedot": -1, "turun": -0.5, "anjlok": -2, "jatuh": -1,
	"bangkrut": -2.5, "nangis": -1.8, "menangis": -1.8, "kasihan": -1.3, "miris": -2,
	"prihatin": -1.5, "ngeri": -1.5, "seram": -1.3, "serem": -1.3, "bahaya": -1.8,
	"berbahaya": -2, "beracun": -2.5, "racun": -1.5, "jijik": -2.5, "muak": -2.5,
	"trauma": -2.3, "ampun": -1.2, "waduh": -1, "duh": -0.8, "aduh": -1,
	"astaga": -1, "yaampun": -1, "hadeh": -1.3, "hadeuh": -1.3, "huft": -1, "haduh": -1,
	"garing": -1, "receh": -0.5,
	"dipersulit": -2.3, "mempersulit": -2.3, "ditolak": -1.5, "tertunda": -1.3,
	"molor": -1.5, "ngaret": -1.5, "palak": -2.3, "pungli": -2.5, "denda": -1,
	"diretur": -1, "retur": -0.8, "refund": -0.5, "salah": -1.5, "keliru": -1.3,
	"bukan": 0, "belum": 0, "sayangnya": -0.8, "gaje": -1.2, "gila": -1,
	// Indonesian words that are also English words with another meaning:
	// neutral here, and not looked up in English.
	"no": 0, "ban": 0, "main": 0, "die": 0, "sale": 0,
}

// indonesianAliases are slang, abbreviations and spellings of words in
// the lexicon and of the rule words.
var indonesianAliases = map[string]string{
	// negators
	"gak": "tidak", "ga": "tidak", "gk": "tidak", "g": "tidak", "nggak": "tidak", "ngga": "tidak",
	"enggak": "tidak", "engga": "tidak", "tdk": "tidak", "ndak": "tidak", "nda": "tidak",
	"kagak": "tidak", "tak": "tidak", "ngak": "tidak", "nggk": "tidak",
	"bkn": "bukan", "blm": "belum", "blom": "belum", "jgn": "jangan", "krg": "kurang",
	// boosters
	"bgt": "banget", "bgtt": "banget", "bngt": "banget", "bangett": "banget", "bgd": "banget",
	"sgt": "sangat", "bnr": "bener", "bener2": "bener",
	"abiss": "abis", "habis": "abis",
	// contrast
	"tp": "tapi", "tpi": "tapi", "tapii": "tapi", "cm": "cuma", "cmn": "cuman",
	// words
	"bgs": "bagus", "mantab": "mantap", "mantep": "mantap", "mantull": "mantul",
	"kcewa": "kecewa", "kecewah": "kecewa", "mksh": "makasih",
	"makasi": "makasih", "mksih": "makasih", "trims": "makasih", "thx": "makasih",
	"tq": "makasih", "rekom": "recommended", "rekomended": "recommended",
	"recommend": "recommended", "recomend": "recommended", "rekomendid": "recommended",
	"lemott": "lemot", "nyesell": "nyesel", "nyesek": "sedih", "ribett": "ribet",
	"jelekk": "jelek", "ancurr": "ancur", "kesell": "kesel",
	"sebal": "sebel", "gapapa": "oke", "gpp": "oke", "okee": "oke", "okey": "oke",
	"okay": "oke", "okelah": "oke", "sipp": "sip", "siip": "sip", "cpt": "cepat",
	"cpet": "cepet", "gercepp": "gercep", "mahall": "mahal", "murmer": "murah",
	"terimakasi": "terimakasih", "makasihh": "makasih", "kapokk": "kapok", "sukak": "suka",
	"suka2": "suka", "seneng": "senang", "senengg": "senang", "bt": "bete",
	"kzl": "kesal", "ngeselin2": "ngeselin", "lebai": "lebay", "jlk": "jelek",
	"mahalnya": "mahal", "aja": "saja",
	"benerr": "bener",
}
