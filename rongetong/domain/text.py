"""Text clean-up shared by the keyword matcher and the n-gram model."""
import re
import unicodedata

# Whitespace, control characters and the invisible format characters (zero-width spaces and joiners,
# direction marks, BOM) that copy-pasted complaints carry.
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+")

# Chinese input methods type full-width punctuation and digits (，！？（）１２３) and the ideographic
# space: nearly every complaint has some, so NFKC would have to rebuild nearly every text. Their NFKC
# forms are single ASCII characters, so replacing the few there are first gives the same result as
# NFKC does and leaves most texts already normalised (a quick check): full NFKC runs only for the rest.
_FULL_WIDTH = {chr(code): unicodedata.normalize("NFKC", chr(code)) for code in (0x3000, *range(0xFF01, 0xFF5F))}
_FULL_WIDTH_CHAR = re.compile("[\u3000\uff01-\uff5e]")


def _half_width(match: re.Match) -> str:
    return _FULL_WIDTH[match.group()]


def normalise(text: str | None) -> str:
    """Full-width to half-width, lower case, without whitespace, control and zero-width characters."""
    text = _FULL_WIDTH_CHAR.sub(_half_width, text or "")
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _INVISIBLE.sub("", text.lower())
