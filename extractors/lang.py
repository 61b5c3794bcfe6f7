"""Language of a post, from the scripts its letters are written in.

The tracked communities write in English and Chinese, and telling those two apart needs no
model: the share of Han ideographs among the letters decides. A Chinese post quoting
"Llama-4-Maverick" still has most of its *characters* in Han, while each Latin word spends
several letters, so Han counts with a weight (HAN_WEIGHT) before the shares are compared.
Kana means Japanese and Hangul Korean even when Han is present. Any other script (Cyrillic,
Arabic...) or a text with no letters is "und": a wrong guess would be worse than no guess.
Latin text is reported as "en"; French or German posts are rare here and would be mislabelled.
"""

from __future__ import annotations

HAN_WEIGHT = 3  # a Han character carries about as much as a short Latin word
MAJORITY = 0.5


def detect_lang(text: str) -> str:
    """ISO 639-1 code ("en", "zh", "ja", "ko") of `text`, or "und" when the script does not tell."""
    han = kana = hangul = latin = other = 0
    for char in text:
        code = ord(char)
        if _is_han(code):
            han += 1
        elif 0x3040 <= code <= 0x30FF:
            kana += 1
        elif 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
            hangul += 1
        elif char.isalpha():
            if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
                latin += 1
            else:
                other += 1
    if kana and kana + han >= latin:
        return "ja"
    if hangul and hangul >= latin:
        return "ko"
    weighted = {"zh": han * HAN_WEIGHT, "en": latin, "und": other}
    total = sum(weighted.values())
    if total == 0:
        return "und"
    best = max(weighted, key=weighted.__getitem__)
    return best if weighted[best] / total > MAJORITY else "und"


def _is_han(code: int) -> bool:
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )
