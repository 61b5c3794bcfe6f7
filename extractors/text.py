"""HTML fragments (as Hacker News and forums serve them) to plain text.

Hacker News bodies are small HTML fragments: paragraphs are separated by a bare `<p>`, links are
shown with their URL as text (cut with "..." when long), code sits in `<pre><code>`, and quotes
and apostrophes arrive as entities. The classifier and the dashboards want plain text with the
paragraph breaks kept and the code left as written.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

_BLOCK_TAGS = frozenset({"p", "div", "blockquote", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"})
_TRUNCATION_MARKS = ("...", "\u2026")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")
_LINE_BREAK = "\u2028"  # stands for <br> until the paragraph is flushed; source newlines are mere spaces


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by a blank line, code kept verbatim."""
    if not isinstance(html, str):
        raise TypeError(f"html_to_text expects a str of HTML, found {type(html).__name__}")
    if not html.strip():
        return ""
    body = LexborHTMLParser(html).body
    if body is None:
        return ""
    blocks: list[str] = []
    current: list[str] = []
    _collect(body, blocks, current)
    _flush(blocks, current)
    return "\n\n".join(blocks)


def _collect(node: LexborNode, blocks: list[str], current: list[str]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            current.append(child.text_content or "")
        elif tag == "pre":
            _flush(blocks, current)
            code = (child.text(deep=True) or "").strip("\n")
            if code.strip():
                blocks.append(code)
        elif tag == "br":
            current.append(_LINE_BREAK)
        elif tag == "a":
            current.append(_link_text(child))
        elif tag in _BLOCK_TAGS:
            _flush(blocks, current)
            _collect(child, blocks, current)
            _flush(blocks, current)
        elif tag in ("script", "style", "-comment"):
            continue
        else:
            _collect(child, blocks, current)


def _link_text(anchor: LexborNode) -> str:
    """The anchor's text, or its href when the text is that URL cut short with an ellipsis."""
    text = anchor.text(deep=True) or ""
    href = anchor.attributes.get("href") or ""
    stripped = text.strip()
    for mark in _TRUNCATION_MARKS:
        if href and stripped.endswith(mark) and href.startswith(stripped[: -len(mark)]):
            return href
    return text


def _flush(blocks: list[str], current: list[str]) -> None:
    if not current:
        return
    lines = "".join(current).split(_LINE_BREAK)
    paragraph = "\n".join(line for line in (_SPACES.sub(" ", part).strip() for part in lines) if line)
    if paragraph:
        blocks.append(paragraph)
    current.clear()
