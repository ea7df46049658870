package sentiment

// emojiValence is the project's emoji table, shared by every language.
// VADER reads an emoji through its English description, which leaves the
// common ones wrong: "pouting face", "thumbs down", "pile of poo", "red
// heart" carry no valence there and "fire" is negative, while on social
// media 😡 is anger, ❤️ love and 🔥 praise. Values are on VADER's −4…4 word
// scale. Emoji whose use is split (💀 "dead" with laughter, 🤔, 😏) are
// left out rather than guessed. Variation selectors, skin tones and
// zero-width joiners are not in the table and are skipped, so ❤️ and ❤
// score alike.
var emojiValence = map[rune]float64{
	// joy, love, approval
	'😀': 2, '😃': 2, '😄': 2.2, '😁': 2, '😆': 1.8, '😅': 0.8, '😂': 1.5, '🤣': 1.8,
	'🙂': 1.2, '😊': 2.2, '😇': 1.8, '🥰': 3, '😍': 3, '🤩': 3, '😘': 2.3, '😗': 1,
	'😚': 1.8, '😙': 1.5, '☺': 1.8, '😋': 2, '😛': 1, '😜': 1, '🤪': 0.8, '😝': 1,
	'🤗': 2, '🤭': 0.8, '😎': 1.8, '🥳': 2.5, '😌': 1, '🥹': 1.5, '🤤': 1.5, '😻': 2.5,
	'😺': 1.5, '😸': 1.8, '😹': 1.5,
	'👍': 2, '👌': 1.8, '👏': 2, '🙌': 2, '💪': 1.5, '🙏': 1.2, '🤝': 1.5, '✌': 1,
	'🫶': 2.5, '🤙': 1.2,
	'❤': 3, '♥': 2.5, '🧡': 2.5, '💛': 2.5, '💚': 2.5, '💙': 2.5, '💜': 2.5, '🤍': 2,
	'💕': 2.5, '💖': 2.5, '💗': 2.5, '💓': 2.5, '💞': 2.5, '💘': 2.3, '💝': 2.3, '😽': 2,
	'🔥': 2, '💯': 2, '✨': 1, '⭐': 1.5, '🌟': 1.8, '🎉': 2, '🎊': 2, '🥇': 2, '🏆': 2,
	'👑': 1.5, '✅': 1, '🆒': 1.2,
	// anger, sadness, disgust, disapproval
	'😡': -3, '🤬': -3.2, '😠': -2.7, '😤': -1.8, '😒': -1.8, '🙄': -1.5, '😑': -1,
	'😐': -0.5, '😕': -1.3, '🙁': -1.5, '☹': -1.8, '😞': -2, '😔': -1.8, '😟': -1.8,
	'😢': -2, '😭': -1.8, '😩': -2, '😫': -2, '😖': -2, '😣': -1.8, '😓': -1.2, '😥': -1.5,
	'😰': -1.8, '😨': -1.8, '😱': -1.5, '🥺': -0.8, '🤮': -3, '🤢': -2.5, '💩': -2.5,
	'👎': -2.3, '💔': -2.5, '🤦': -1.8, '😬': -1, '🥴': -1, '😪': -1, '🤡': -1.5,
	'🤨': -0.8, '😵': -1, '😿': -2, '😾': -2.3, '🖕': -3, '❌': -1, '⚠': -0.8, '🚫': -1,
	'😶': -0.3, '🫤': -1, '🥱': -1,
}
