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


# Contact details a citizen appends ("联系我138…", "身份证3704…") name the reporter, not the problem:
# left in, 身份证 would pull a broken stair light towards ID-card services.
_CONTACT_DETAILS = re.compile(r"(?:身份证|证件|手机|电话|联系方式|联系我|联系人)(?:号码|号)?[:是为]?"
                              r"[0-9x*][0-9x*-]{4,}")


def without_contact_details(text: str) -> str:
    """A normalised text without the phone and ID numbers typed into it, nor the words that label them."""
    return _CONTACT_DETAILS.sub("", text)


def reading(text: str | None) -> str:
    """The text as routing reads it — the keyword pass, the model and its training alike: normalised,
    without contact details."""
    return without_contact_details(normalise(text))
