"""Text clean-up shared by the keyword matcher and the n-gram model."""
import re
import unicodedata

# Whitespace, control characters and the invisible format characters (zero-width spaces and joiners,
# direction marks, BOM) that copy-pasted complaints carry.
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]+")


def normalise(text: str | None) -> str:
    """Full-width to half-width, lower case, without whitespace, control and zero-width characters."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text or "").lower())
