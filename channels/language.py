"""Whether a text someone sent is in Welsh or English, so that Heard answers in kind.

Heard only has to tell Welsh from English, often in a text of a few words ("diolch yn fawr",
"mae dad yn fy nharo i"), where general language detectors guess badly. Welsh is told by its
everyday words, which English does not use, and English by its own; a text with too few of
either (a score, "STOP", a name) has no language, and the person's stored language stands.
"""

import re

WELSH = "cy"
ENGLISH = "en"

# Common Welsh words that are not English words, including the spoken and mutated forms that
# texts use. Words both languages have ("a", "i", "am", "hi", "fe", "o", "da") are left out.
_WELSH_WORDS = frozenset(
    """
    yn yr y mae maen roedd oedd wedi ddim dim dw dwi dydw rydw rwy rwyf ydw ydy ydi yw
    fy fi mi ni chi nhw ei eu ein dy ti fo hefyd ond gyda efo gan achos oherwydd
    diolch plis os pan pam sut beth pwy ble lle faint pryd iawn fawr mawr bach
    isio eisiau eisio moyn ishe angen gallu gallwch allwch gwneud neud wneud wnes wnaeth
    mewn ar gyfer amdana amdano ato ati atoch yng ym ac neu
    plentyn ysgol cartref gartref adref adre tŷ teulu nain taid mamgu tadcu
    gweithiwr gweithwraig cymdeithasol swyddog llys helpu siarad gwrando ffonio ateb
    prynhawn noswaith nos heddiw hwyr adroddiad llythyr yfory ddoe wythnos mis blwyddyn
    hapus trist saff diogel ofn drwg gwael neis grêt ardderchog
    sydd fydd bydd byddwn roeddwn nes dyw dydy does doedd mai bod fod
    hwn hon hyn hynny yma yna fan acw rhywun neb pawb popeth byd rhywbeth
    """.split()  # noqa: SIM905 -- a word list reads best as words
)
_ENGLISH_WORDS = frozenset(
    """
    the and is are was were to of my you your we our they their he she it this that
    have has had not no with for on at be been being from but what when why how who
    would could should will can do does did don didn there here about
    thank thanks please worker social court report call phone
    """.split()  # noqa: SIM905 -- a word list reads best as words
)
# Words split at apostrophes: "mae'r" is "mae" and "r", "don't" is "don" and "t".
_WORD = re.compile(r"[^\W\d_]+")
# Letters and pairs English words almost never have.
_WELSH_MARKS = re.compile(r"[ŵŷŴŶ]|\b\w*(?:dd|ll|ch|rh|wy)\w*\b", re.IGNORECASE)
# At least this many telling words before a text is said to have a language.
_ENOUGH = 2


def detect(text: str) -> str | None:
    """ "cy" for Welsh, "en" for English, or None when the text does not say."""
    words = [w.lower() for w in _WORD.findall(text or "")]
    welsh = sum(1 for w in words if w in _WELSH_WORDS)
    english = sum(1 for w in words if w in _ENGLISH_WORDS)
    if welsh >= _ENOUGH and welsh > english:
        return WELSH
    if english >= _ENOUGH and english > welsh:
        return ENGLISH
    # A very short text: one Welsh word with Welsh spelling ("Diolch!") is enough.
    if welsh == 1 and english == 0 and len(words) <= 3 and _WELSH_MARKS.search(text):
        return WELSH
    return None
