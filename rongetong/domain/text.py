"""Text clean-up shared by the keyword matcher and the n-gram model."""
import unicodedata


def normalise(text: str | None) -> str:
    """Full-width to half-width, lower case, without whitespace, control and zero-width characters."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] != "C")
