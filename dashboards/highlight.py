"""Post text with its evidence sentences marked, as HTML that is safe to render.

Post text is untrusted: every piece of it is escaped, and the only tags in the result are the
<mark> elements added here, so a post holding `<script>` or `<img onerror=...>` shows as text.
"""

from __future__ import annotations

import html
import re


def marked(text: str, sentences: list[str]) -> str:
    """`text` escaped, with each occurrence of any of `sentences` wrapped in <mark>."""
    wanted = sorted({s.strip() for s in sentences if s and s.strip()}, key=len, reverse=True)
    if not text:
        return ""
    if not wanted:
        return html.escape(text)
    pattern = re.compile("|".join(re.escape(s) for s in wanted))
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(html.escape(text[position:match.start()]))
        pieces.append(f"<mark>{html.escape(match.group(0))}</mark>")
        position = match.end()
    pieces.append(html.escape(text[position:]))
    return "".join(pieces)
