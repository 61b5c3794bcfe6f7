"""Build the demo replay data: Hacker News threads around the Llama 4 launch, written for the demo.

Every text below was written by hand for launchwatch's demo. None is a real post, no author is a
real user, and the objectIDs (from 93000000 up) lie far above any real HN item id of 2025, so the
records cannot be mistaken for, or collide with, real items. The hits follow the exact shape of
the Algolia HN Search API (`/api/v1/search_by_date`), so the demo runs the production extractor
over them through the replay transport.

Run from the repository root (stdlib only, deterministic for a given SEED):

    python extractors/demo_data/build_demo.py

It writes hackernews/llama4_window.jsonl (one Algolia hit per line), labels.jsonl (the intended
sentiment and claims of each item; kept outside hackernews/ because the replay transport loads
every *.jsonl there as hits) and refreshes the counts section of DATA_CARD.md.

Text lines in POOLS read `<sentiment><claims> [@event] [^] | <text>`:
  sentiment  + positive, 0 neutral, - negative (toward the model or its maker)
  claims     C contamination, G benchmark_gaming, R regression, P praise, X comparison,
             D deployment_issue (none: a factual post or a hard negative)
  @event     the comment cannot predate that event (it reacts to it), see EVENTS
  ^          the comment answers another comment, not the story
Texts use HN's own markup: a blank paragraph mark ¶, *italics*, bare URLs, and a paragraph that
starts with two spaces is code. They are escaped and marked up the way HN stores comment_text.
"""

from __future__ import annotations

import html
import json
import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

SEED = 20250405
FIRST_OBJECT_ID = 93_000_000
WINDOW_START = datetime(2025, 4, 3, tzinfo=timezone.utc)
WINDOW_END = datetime(2025, 4, 14, 23, 59, 59, tzinfo=timezone.utc)
HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "hackernews"
CARD = HERE / "DATA_CARD.md"

CLAIM_CODES = {
    "C": "contamination",
    "G": "benchmark_gaming",
    "R": "regression",
    "P": "praise",
    "X": "comparison",
    "D": "deployment_issue",
}
SENTIMENT_CODES = {"+": "positive", "0": "neutral", "-": "negative"}


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


# The real events the threads react to (UTC); sources are in the timeline CSV and DATA_CARD.md.
EVENTS = {
    "release": _utc("2025-04-05T19:00:45"),
    "arena2": _utc("2025-04-06T11:18:20"),
    "cnrumour": _utc("2025-04-06T15:10:00"),
    "aider": _utc("2025-04-06T20:12:37"),
    "xpost": _utc("2025-04-07T02:26:27"),
    "denial": _utc("2025-04-07T17:49:31"),
    "livebench": _utc("2025-04-07T20:23:54"),
    "arenastmt": _utc("2025-04-08T00:08:09"),
    "rank35": _utc("2025-04-11T11:19:13"),
    "rank32": _utc("2025-04-13T11:17:45"),
}

# The search term each launch's threads are highlighted for, as the extractor's first query.
HIGHLIGHT_QUERY = {
    "llama-4": "llama 4",
    "deepseek-v3-0324": "deepseek v3",
    "gemini-2.5-pro": "gemini 2.5",
    "qwq-32b": "qwq",
    "qwen3": "qwen3",
}


@dataclass(frozen=True)
class Text:
    """One hand-written text and what its author meant by it."""

    sentiment: str
    claims: tuple[str, ...]
    body: str
    not_before: datetime | None
    is_reply: bool
    pool: str
    lang: str


@dataclass
class Item:
    """A story or comment before it becomes an Algolia hit."""

    kind: str
    created: datetime
    text: Text
    launch: str
    story_key: str
    author: str = ""
    title: str | None = None
    url: str | None = None
    ask: bool = False
    parent: Item | None = None
    object_id: int = 0
    children: list[Item] = field(default_factory=list)
    comments: list[Item] = field(default_factory=list)


def parse_pool(name: str, block: str) -> list[Text]:
    """Read a pool's text lines; the pool name ends in _zh for Chinese texts."""
    lang = "zh" if name.endswith("_zh") else "en"
    texts = []
    for line in block.strip().splitlines():
        head, body = line.split(" | ", 1)
        tokens = head.split()
        code = tokens[0]
        if code[0] not in SENTIMENT_CODES or any(c not in CLAIM_CODES for c in code[1:]):
            raise ValueError(f"pool {name}: bad label {code!r} in line {line!r}")
        event = next((t[1:] for t in tokens[1:] if t.startswith("@")), None)
        texts.append(
            Text(
                sentiment=SENTIMENT_CODES[code[0]],
                claims=tuple(CLAIM_CODES[c] for c in code[1:]),
                body=body.strip(),
                not_before=EVENTS[event] if event else None,
                is_reply="^" in tokens[1:],
                pool=name,
                lang=lang,
            )
        )
    return texts


# --- HN markup -------------------------------------------------------------------------------

URL_RE = re.compile(r"https?://[^\s<]+[^\s<.,;:!?)\"'。，]")
ITALIC_RE = re.compile(r"\*([^*\s][^*]*?)\*")


def hn_escape(text: str) -> str:
    """Escape as HN stores text: & < > " ' and / become entities."""
    return html.escape(text, quote=True).replace("/", "&#x2F;")


def _link(url: str) -> str:
    shown = url if len(url) <= 60 else url[:57] + "..."
    return f'<a href="{hn_escape(url)}" rel="nofollow">{hn_escape(shown)}</a>'


def _inline(paragraph: str) -> str:
    parts, last = [], 0
    for match in URL_RE.finditer(paragraph):
        parts.append(ITALIC_RE.sub(r"<i>\1</i>", hn_escape(paragraph[last : match.start()])))
        parts.append(_link(match.group(0)))
        last = match.end()
    parts.append(ITALIC_RE.sub(r"<i>\1</i>", hn_escape(paragraph[last:])))
    return "".join(parts)


def hn_html(body: str) -> str:
    """HN's comment_text: first paragraph bare, each later one opened by <p>, code in <pre><code>."""
    out = []
    for index, paragraph in enumerate(body.split("¶")):
        if paragraph.startswith("  "):
            # HN keeps the indentation that marked the code, and ends the block with a newline.
            out.append(f"<pre><code>{hn_escape(paragraph.rstrip())}\n</code></pre>")
            continue
        rendered = _inline(paragraph.strip())
        out.append(rendered if index == 0 else "<p>" + rendered)
    return "".join(out)


def plain(body: str) -> str:
    return body.replace("¶", "\n\n").replace("*", "")


# --- Highlighting, as Algolia's _highlightResult -----------------------------------------------

MARKUP_RE = re.compile(r"(<[^>]+>|&#?[0-9a-zA-Z]+;)")


def highlight(value: str, query: str) -> dict:
    words = query.lower().split()
    matched: list[str] = []

    def mark(segment: str) -> str:
        for word in words:
            pattern = re.compile(rf"(?<![0-9A-Za-z]){re.escape(word)}(?![0-9A-Za-z])", re.I)
            if pattern.search(segment):
                if word not in matched:
                    matched.append(word)
                segment = pattern.sub(lambda m: f"<em>{m.group(0)}</em>", segment)
        return segment

    pieces = MARKUP_RE.split(value)
    marked = "".join(p if MARKUP_RE.fullmatch(p) else mark(p) for p in pieces)
    if not matched:
        return {"matchLevel": "none", "matchedWords": [], "value": value}
    level = "full" if len(matched) == len(words) else "partial"
    return {
        "fullyHighlighted": False,
        "matchLevel": level,
        "matchedWords": [w for w in words if w in matched],
        "value": marked,
    }


# --- Authors ---------------------------------------------------------------------------------

EN_HANDLE_PARTS = (
    "quiet", "latent", "rusty", "amber", "null", "sparse", "lazy", "brisk", "hollow", "tidy",
    "stale", "feral", "mellow", "grumpy", "plain", "sober", "dusty", "crisp", "fuzzy", "gentle",
)
EN_HANDLE_NOUNS = (
    "kernel", "tensor", "heron", "pointer", "otter", "mutex", "lattice", "falcon", "gradient",
    "socket", "badger", "quill", "cache", "walrus", "pixel", "ferret", "compiler", "lemur",
    "packet", "sprocket", "thimble", "cobalt", "glyph", "marmot",
)
ZH_HANDLE_PARTS = (
    "xiao", "lao", "a", "da", "chen", "lin", "zhou", "wang", "liu", "he", "su", "ye", "tang",
)
ZH_HANDLE_NOUNS = (
    "feng", "yu", "mo", "shan", "chuan", "bai", "hai", "xing", "yun", "qiao", "ming", "lan",
)


def author_pool(rng: random.Random, lang: str, size: int) -> list[str]:
    handles: list[str] = []
    while len(handles) < size:
        if lang == "zh":
            handle = rng.choice(ZH_HANDLE_PARTS) + rng.choice(ZH_HANDLE_NOUNS)
            handle += rng.choice(("", "_dev", str(rng.randint(7, 99)), "_ml", "zz"))
        else:
            style = rng.random()
            first, second = rng.choice(EN_HANDLE_PARTS), rng.choice(EN_HANDLE_NOUNS)
            if style < 0.4:
                handle = first + second
            elif style < 0.7:
                handle = f"{first}_{second}"
            elif style < 0.85:
                handle = f"{second}{rng.randint(2, 999)}"
            else:
                handle = f"{first[0]}{second}"
        if handle not in handles:
            handles.append(handle)
    return handles


def pick_author(rng: random.Random, handles: list[str]) -> str:
    # A few regulars write much of a thread, as on HN: Zipf-like weights.
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(handles))]
    return rng.choices(handles, weights=weights)[0]


# --- Building threads ------------------------------------------------------------------------


def comment_delay(rng: random.Random) -> timedelta:
    # HN replies arrive minutes to a couple of days after what they answer, log-normally.
    minutes = math.exp(rng.gauss(math.log(140), 1.15))
    return timedelta(minutes=min(max(minutes, 2.0), 2 * 24 * 60))


def build_items(rng: random.Random) -> list[Item]:
    pools = {name: parse_pool(name, block) for name, block in POOLS.items()}
    for texts in pools.values():
        rng.shuffle(texts)
    handles = {"en": author_pool(rng, "en", 260), "zh": author_pool(rng, "zh", 90)}
    items: list[Item] = []
    for spec in STORIES:
        story = make_story(spec, rng, handles)
        items.append(story)
        for pool_name, count in spec["pools"]:
            remaining = pools[pool_name]
            take = len(remaining) if count is None else count
            if take > len(remaining):
                raise ValueError(f"story {spec['key']}: pool {pool_name} has {len(remaining)} left")
            drawn, pools[pool_name] = remaining[:take], remaining[take:]
            story.comments.extend(make_comment(story, text, rng, handles) for text in drawn)
        wire_thread(story, rng)
        items.extend(story.comments)
    leftover = {name: len(texts) for name, texts in pools.items() if texts}
    if leftover:
        raise ValueError(f"texts not placed in any thread: {leftover}")
    return items


def make_story(spec: dict, rng: random.Random, handles: dict[str, list[str]]) -> Item:
    lang = spec.get("lang", "en")
    code = spec.get("label", "0")
    text = Text(
        sentiment=SENTIMENT_CODES[code[0]],
        claims=tuple(CLAIM_CODES[c] for c in code[1:]),
        body=spec.get("text", ""),
        not_before=None,
        is_reply=False,
        pool="story",
        lang=lang,
    )
    created = _utc(spec["at"]) + timedelta(seconds=rng.randint(0, 59))
    return Item(
        kind="story",
        created=created,
        text=text,
        launch=spec["launch"],
        story_key=spec["key"],
        author=pick_author(rng, handles[lang]),
        title=spec["title"],
        url=spec.get("url"),
        ask=spec["title"].startswith("Ask HN"),
    )


def make_comment(story: Item, text: Text, rng: random.Random, handles: dict) -> Item:
    anchor = max(story.created, text.not_before or story.created)
    created = anchor + comment_delay(rng)
    if created > WINDOW_END:
        created = WINDOW_END - timedelta(minutes=rng.uniform(5, 600))
    return Item(
        kind="comment",
        created=created.replace(microsecond=0),
        text=text,
        launch=story.launch,
        story_key=story.story_key,
        author=pick_author(rng, handles[text.lang]),
    )


def wire_thread(story: Item, rng: random.Random) -> None:
    """Give each comment a parent: the story, or an earlier comment for replies."""
    story.comments.sort(key=lambda c: c.created)
    for index, comment in enumerate(story.comments):
        earlier = [c for c in story.comments[:index] if c.created < comment.created]
        wants_reply = comment.text.is_reply or rng.random() < 0.35
        parent = rng.choice(earlier[-8:]) if wants_reply and earlier else story
        comment.parent = parent
        parent.children.append(comment)


def assign_ids(items: list[Item], rng: random.Random) -> None:
    # HN ids grow with time; gaps stand for the rest of the site's traffic.
    next_id = FIRST_OBJECT_ID
    for item in sorted(items, key=lambda i: i.created):
        next_id += rng.randint(3, 2400)
        item.object_id = next_id


# --- Algolia hits ----------------------------------------------------------------------------


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def updated_at(item: Item, rng: random.Random) -> str:
    return iso(item.created + timedelta(days=rng.uniform(9, 40)))


def story_hit(story: Item, rng: random.Random) -> dict:
    query = HIGHLIGHT_QUERY[story.launch]
    points = story_points(story, rng)
    tags = ["story", f"author_{story.author}", f"story_{story.object_id}"]
    if story.ask:
        tags.append("ask_hn")
    elif story.title.startswith("Show HN"):
        tags.append("show_hn")
    hit: dict = {
        "_highlightResult": {"author": highlight(story.author, query)},
        "_tags": tags,
        "author": story.author,
        "children": [c.object_id for c in story.children],
        "created_at": iso(story.created),
        "created_at_i": int(story.created.timestamp()),
        "num_comments": len(story.comments),
        "objectID": str(story.object_id),
        "points": points,
        "story_id": story.object_id,
        "title": story.title,
        "updated_at": updated_at(story, rng),
    }
    hit["_highlightResult"]["title"] = highlight(story.title, query)
    if story.text.body:
        hit["story_text"] = hn_html(story.text.body)
        hit["_highlightResult"]["story_text"] = highlight(hit["story_text"], query)
    if story.url:
        hit["url"] = story.url
        hit["_highlightResult"]["url"] = highlight(story.url, query)
    return dict(sorted(hit.items()))


def story_points(story: Item, rng: random.Random) -> int:
    # Points track discussion loosely; a few quiet stories still collect a handful of votes.
    comments = len(story.comments)
    return max(1, int(comments * rng.uniform(1.4, 4.2) + rng.expovariate(1 / 6)))


def comment_hit(comment: Item, stories: dict[str, Item], rng: random.Random) -> dict:
    story = stories[comment.story_key]
    query = HIGHLIGHT_QUERY[story.launch]
    text = hn_html(comment.text.body)
    result = {
        "author": highlight(comment.author, query),
        "comment_text": highlight(text, query),
        "story_title": highlight(story.title, query),
    }
    hit: dict = {
        "_highlightResult": result,
        "_tags": ["comment", f"author_{comment.author}", f"story_{story.object_id}"],
        "author": comment.author,
        "children": [c.object_id for c in comment.children],
        "comment_text": text,
        "created_at": iso(comment.created),
        "created_at_i": int(comment.created.timestamp()),
        "objectID": str(comment.object_id),
        "parent_id": comment.parent.object_id,
        "points": None,
        "story_id": story.object_id,
        "story_title": story.title,
        "story_url": story.url,
        "updated_at": updated_at(comment, rng),
    }
    if story.url:
        result["story_url"] = highlight(story.url, query)
    return dict(sorted(hit.items()))


def label_row(item: Item) -> dict:
    return {
        "objectID": str(item.object_id),
        "kind": item.kind,
        "launch": item.launch,
        "lang": item.text.lang,
        "sentiment": item.text.sentiment,
        "claims": list(item.text.claims),
        "theme": item.text.pool,
        "text": (item.title or "") + ("\n\n" if item.title and item.text.body else "")
        + plain(item.text.body),
    }


# --- Data card counts ------------------------------------------------------------------------


def counts_markdown(items: list[Item]) -> str:
    days = Counter(i.created.strftime("%Y-%m-%d") for i in items)
    stories_per_day = Counter(i.created.strftime("%Y-%m-%d") for i in items if i.kind == "story")
    claims = Counter(c for i in items for c in i.text.claims)
    langs = Counter(i.text.lang for i in items)
    launches = Counter(i.launch for i in items)
    sentiments = Counter(i.text.sentiment for i in items)
    no_claim = sum(1 for i in items if not i.text.claims)
    lines = [
        f"Items: {len(items)} ({sum(i.kind == 'story' for i in items)} stories, "
        f"{sum(i.kind == 'comment' for i in items)} comments). "
        f"Seed {SEED}; objectIDs {min(i.object_id for i in items)}.."
        f"{max(i.object_id for i in items)}.",
        "",
        "| day (UTC) | items | of which stories |",
        "|---|---|---|",
    ]
    lines += [f"| {d} | {days[d]} | {stories_per_day[d]} |" for d in sorted(days)]
    lines += ["", claims_by_day(items)]
    lines += ["", "| claim | items |", "|---|---|"]
    lines += [f"| {c} | {claims[c]} |" for c in CLAIM_CODES.values()]
    lines += [f"| (no claim) | {no_claim} |", "", "| sentiment | items |", "|---|---|"]
    lines += [f"| {s} | {sentiments[s]} |" for s in SENTIMENT_CODES.values()]
    lines += ["", "| language | items | share |", "|---|---|---|"]
    lines += [f"| {k} | {v} | {v / len(items):.1%} |" for k, v in sorted(langs.items())]
    lines += ["", "| launch (thread) | items |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in launches.most_common()]
    return "\n".join(lines)


def claims_by_day(items: list[Item]) -> str:
    per_day: dict[str, Counter] = {}
    for item in items:
        per_day.setdefault(item.created.strftime("%Y-%m-%d"), Counter()).update(item.text.claims)
    names = list(CLAIM_CODES.values())
    rows = ["| day (UTC) | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for day in sorted(per_day):
        rows.append(f"| {day} | " + " | ".join(str(per_day[day][n]) for n in names) + " |")
    return "\n".join(rows)


def refresh_card(items: list[Item]) -> None:
    start, end = "<!-- counts:start -->", "<!-- counts:end -->"
    card = CARD.read_text(encoding="utf-8")
    if start not in card or end not in card:
        raise ValueError(f"{CARD} must contain the markers {start} and {end}")
    head, rest = card.split(start, 1)
    _, tail = rest.split(end, 1)
    CARD.write_text(f"{head}{start}\n{counts_markdown(items)}\n{end}{tail}", encoding="utf-8")


def check(items: list[Item]) -> None:
    bodies = Counter(i.text.body for i in items if i.text.body)
    repeated = [b for b, n in bodies.items() if n > 1]
    if repeated:
        raise ValueError(f"texts used twice: {repeated[:3]}")
    for item in items:
        if not WINDOW_START <= item.created <= WINDOW_END:
            raise ValueError(f"{item.object_id} at {item.created} is outside the window")
        if item.parent and item.parent.created >= item.created:
            raise ValueError(f"{item.object_id} predates its parent")


def main() -> None:
    rng = random.Random(SEED)
    items = build_items(rng)
    assign_ids(items, rng)
    check(items)
    stories = {i.story_key: i for i in items if i.kind == "story"}
    ordered = sorted(items, key=lambda i: i.object_id)
    hits = [
        story_hit(i, rng) if i.kind == "story" else comment_hit(i, stories, rng) for i in ordered
    ]
    OUT_DIR.mkdir(exist_ok=True)
    write_jsonl(OUT_DIR / "llama4_window.jsonl", hits)
    write_jsonl(HERE / "labels.jsonl", [label_row(i) for i in ordered])
    refresh_card(items)
    print(counts_markdown(items))


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


# --- The threads -----------------------------------------------------------------------------
# Story times follow the real events; each story draws its comments from the pools below
# (count None takes what is left of a pool). URLs are official pages where the story is about
# one, otherwise made-up addresses under example.com / example.org.

STORIES: list[dict] = [
    {"key": "dsv3_evals", "at": "2025-04-03T09:40", "launch": "deepseek-v3-0324",
     "title": "DeepSeek-V3-0324 beats our internal coding evals at a tenth of the price",
     "url": "https://notes.example.org/2025/04/deepseek-v3-0324-evals", "label": "+PX",
     "pools": [("dsv3", 6)]},
    {"key": "qwq_ask", "at": "2025-04-03T20:30", "launch": "qwq-32b",
     "title": "Ask HN: Is QwQ-32B still the best reasoning model for a single GPU?",
     "text": "I have one 24GB card. QwQ has been my default for math-heavy scripts since March, but "
             "the thinking traces are long and slow. Anything better I should try, or is it "
             "worth waiting for whatever Meta ships next?",
     "pools": [("qwq", 6)]},
    {"key": "cn_dsv3", "at": "2025-04-04T02:10", "launch": "deepseek-v3-0324", "lang": "zh",
     "title": "DeepSeek V3 0324 用了一周：写前端代码明显比旧版强",
     "url": "https://blog.example.com/zh/deepseek-v3-0324-week", "label": "+PR",
     "pools": [("dsv3_zh", None)]},
    {"key": "qwen3_tf", "at": "2025-04-04T08:20", "launch": "qwen3",
     "title": "Qwen3 model classes show up in Hugging Face transformers ahead of release",
     "url": "https://code.example.org/transformers/qwen3-modeling",
     "pools": [("qwen3", None)]},
    {"key": "anticipation", "at": "2025-04-04T13:00", "launch": "llama-4",
     "title": "Ask HN: Any word on when Llama 4 ships?",
     "text": "LlamaCon is at the end of April, but there were reports of internal delays. Does "
             "anyone have a realistic expectation for the Llama 4 release date and sizes?",
     "pools": [("anticip", None)]},
    {"key": "gemini_preview", "at": "2025-04-04T16:30", "launch": "gemini-2.5-pro",
     "title": "Gemini 2.5 Pro Preview is now available with paid tiers in the Gemini API",
     "url": "https://ai.google.dev/gemini-api/docs/changelog",
     "pools": [("gem", 6)]},
    {"key": "gemini_aider", "at": "2025-04-05T10:15", "launch": "gemini-2.5-pro",
     "title": "Gemini 2.5 Pro holds the top spot on Aider's polyglot benchmark at 72.9%",
     "url": "https://aider.chat/docs/leaderboards/", "label": "+P",
     "pools": [("gem", 3)]},
    {"key": "launch", "at": "2025-04-05T19:07", "launch": "llama-4",
     "title": "The Llama 4 herd: natively multimodal models from Meta",
     "url": "https://ai.meta.com/blog/llama-4-multimodal-intelligence/",
     "pools": [("launch", None), ("launch_zh", 4), ("offtopic", 2)]},
    {"key": "hf_weights", "at": "2025-04-05T19:41", "launch": "llama-4",
     "title": "Llama 4 Scout and Maverick weights on Hugging Face",
     "url": "https://huggingface.co/meta-llama/Llama-4-Maverick-17B-128E-Instruct",
     "pools": [("hf", None)]},
    {"key": "cn_launch", "at": "2025-04-05T20:10", "launch": "llama-4", "lang": "zh",
     "title": "Meta 发布 Llama 4：Scout 和 Maverick 开源，Behemoth 还在训练",
     "url": "https://news.example.com/zh/llama-4-release",
     "pools": [("launch_zh", None)]},
    {"key": "model_card", "at": "2025-04-05T21:32", "launch": "llama-4",
     "title": "Llama 4 model card and prompt format",
     "url": "https://github.com/meta-llama/llama-models/blob/main/models/llama4/MODEL_CARD.md",
     "pools": []},
    {"key": "impressions", "at": "2025-04-05T23:30", "launch": "llama-4",
     "title": "Llama 4 first impressions: Scout on a rented H100, Maverick through the API",
     "url": "https://blog.example.net/llama-4-first-impressions",
     "pools": [("impressions", None), ("offtopic", 1)]},
    {"key": "context_ask", "at": "2025-04-06T01:30", "launch": "llama-4",
     "title": "Ask HN: What does Llama 4 Scout's 10M token context mean in practice?",
     "text": "Scout advertises a 10M token window. Has anyone actually pushed more than a few "
             "hundred thousand tokens through it, and on what hardware?",
     "pools": [("context", None)]},
    {"key": "license", "at": "2025-04-06T03:15", "launch": "llama-4",
     "title": "What changed in the Llama 4 Community License",
     "url": "https://legal.example.org/llama-4-license-diff",
     "pools": [("license", None)]},
    {"key": "cn_gemini", "at": "2025-04-06T04:30", "launch": "gemini-2.5-pro", "lang": "zh",
     "title": "Gemini 2.5 Pro 写代码是真的强，国内怎么稳定调用？",
     "text": "最近把 Gemini 2.5 Pro 接进了自己的代码助手，效果很好，就是网络和限额经常出问题。大家都怎么用的？",
     "label": "+PD", "pools": [("gem_zh", None)]},
    {"key": "vram", "at": "2025-04-06T06:50", "launch": "llama-4",
     "title": "Running Llama 4 Scout locally: the VRAM math",
     "url": "https://blog.example.net/llama-4-scout-vram", "label": "-D",
     "pools": [("deploy", 12)]},
    {"key": "cn_deploy", "at": "2025-04-06T09:00", "launch": "llama-4", "lang": "zh",
     "title": "Llama 4 Scout 本地部署踩坑：显存、量化和 llama.cpp 支持",
     "text": "周末折腾了一下 Llama 4 Scout，记录几个坑：官方说 int4 单卡 H100 能跑，但消费级显卡基本没戏；"
             "llama.cpp 还没合并支持；vLLM 能跑但上下文开不大。¶欢迎补充。",
     "label": "-D", "pools": [("deploy_zh", None)]},
    {"key": "groq", "at": "2025-04-06T10:05", "launch": "llama-4",
     "title": "Llama 4 Maverick and Scout now available on GroqCloud",
     "url": "https://console.groq.com/docs/models", "pools": []},
    {"key": "arena_early", "at": "2025-04-06T12:30", "launch": "llama-4",
     "title": "Llama-4-Maverick-03-26-Experimental debuts at #2 on LMArena",
     "url": "https://lmarena.ai/leaderboard",
     "pools": [("arena_early", None)]},
    {"key": "weekend", "at": "2025-04-06T14:45", "launch": "llama-4",
     "title": "Why did Meta release Llama 4 on a Saturday?",
     "url": "https://opinion.example.com/llama-4-saturday-release",
     "pools": [("weekend", None), ("offtopic", 1)]},
    {"key": "cn_rumour", "at": "2025-04-06T15:40", "launch": "llama-4", "lang": "zh",
     "title": "一亩三分地爆料：Llama 4 后训练混入了测试集？（未证实）",
     "text": "有人在一亩三分地发帖，自称 Meta 内部员工，说 Llama 4 后训练阶段为了赶指标，领导要求把各个 "
             "benchmark 的测试集混进训练数据，本人因此申请辞职。帖子无法核实，转过来大家讨论一下。",
     "label": "-C", "pools": [("rumour_zh", None)]},
    {"key": "vllm", "at": "2025-04-06T18:20", "launch": "llama-4",
     "title": "Serving Llama 4 Maverick with vLLM on 8xH100: notes",
     "url": "https://blog.example.net/vllm-llama-4-maverick",
     "pools": [("deploy", None)]},
    {"key": "aider", "at": "2025-04-06T21:05", "launch": "llama-4",
     "title": "Llama 4 Maverick scores 16% on the Aider polyglot coding benchmark",
     "url": "https://aider.chat/docs/leaderboards/", "label": "-RX",
     "pools": [("aider", 12)]},
    {"key": "prod_ask", "at": "2025-04-06T23:50", "launch": "llama-4",
     "title": "Ask HN: Is anyone using Llama 4 in production yet?",
     "text": "We run Llama 3.3 70B for classification and extraction. Curious whether anyone has "
             "swapped in Scout or Maverick and what broke.",
     "pools": [("prod", None)]},
    {"key": "cn_aider", "at": "2025-04-07T01:00", "launch": "llama-4", "lang": "zh",
     "title": "Llama 4 Maverick 在 Aider polyglot 上只有 15.6%，还不如 QwQ-32B",
     "url": "https://aider.chat/docs/leaderboards/", "label": "-RX",
     "pools": [("aider_zh", None)]},
    {"key": "xpost", "at": "2025-04-07T03:10", "launch": "llama-4",
     "title": "Allegations spread that Llama 4 was post-trained on benchmark test sets",
     "url": "https://news.example.com/2025/04/llama-4-test-set-allegations", "label": "-C",
     "pools": [("contam", 14)]},
    {"key": "cn_contam", "at": "2025-04-07T05:30", "launch": "llama-4", "lang": "zh",
     "title": "关于 Llama 4 测试集污染的传闻，从技术上能不能验证？",
     "pools": [("contam_zh", None)]},
    {"key": "contam_ask", "at": "2025-04-07T07:40", "launch": "llama-4",
     "title": "Ask HN: How would you prove a model like Llama 4 was trained on the test set?",
     "text": "With the rumours going around this weekend: what are the actual techniques to detect "
             "benchmark contamination from the outside, with only API or weights access?",
     "pools": [("contam_method", None), ("contam", None)]},
    {"key": "longctx", "at": "2025-04-07T11:30", "launch": "llama-4",
     "title": "Independent Llama 4 evals: long-context recall falls apart past 128K",
     "url": "https://evals.example.org/llama-4-long-context", "label": "-R",
     "pools": [("regress", None), ("aider", None)]},
    {"key": "cn_business", "at": "2025-04-07T12:00", "launch": "llama-4", "lang": "zh",
     "title": "Llama 4 真的这么差吗？我在自己的业务数据上测了一下",
     "url": "https://blog.example.com/zh/llama-4-business-test",
     "pools": [("business_zh", None)]},
    {"key": "show_harness", "at": "2025-04-07T14:00", "launch": "llama-4",
     "title": "Show HN: A small harness to check which Llama 4 your API provider is serving",
     "url": "https://code.example.org/llama4-provider-check",
     "pools": [("showhn", None), ("safety", None)]},
    {"key": "workers", "at": "2025-04-07T16:20", "launch": "llama-4",
     "title": "Llama 4 Scout on Workers AI",
     "url": "https://developers.cloudflare.com/workers-ai/models/", "pools": []},
    {"key": "denial", "at": "2025-04-07T18:05", "launch": "llama-4",
     "title": "Meta's GenAI head denies training Llama 4 on test sets",
     "url": "https://news.example.com/2025/04/meta-denies-llama-4-test-set-training",
     "pools": [("denial", None)]},
    {"key": "cn_denial", "at": "2025-04-07T19:30", "launch": "llama-4", "lang": "zh",
     "title": "Meta 副总裁回应：Llama 4 没有用测试集训练，效果差是部署问题",
     "pools": [("denial_zh", None)]},
    {"key": "livebench", "at": "2025-04-07T21:00", "launch": "llama-4",
     "title": "LiveBench adds Llama 4 Maverick with a 54.4 global average",
     "url": "https://livebench.ai/", "label": "-RX",
     "pools": [("livebench", None)]},
    {"key": "arena_statement", "at": "2025-04-08T00:40", "launch": "llama-4",
     "title": "LMArena: Meta should have made clear Llama 4 Maverick on the board was customized",
     "url": "https://news.example.com/2025/04/lmarena-llama-4-maverick-statement", "label": "-G",
     "pools": [("gaming", 16)]},
    {"key": "cn_gaming", "at": "2025-04-08T03:00", "launch": "llama-4", "lang": "zh",
     "title": "LMArena 官方发声：Llama 4 打榜用的是专门调过的实验版",
     "label": "-G", "pools": [("gaming_zh", None)]},
    {"key": "cn_compare", "at": "2025-04-08T07:00", "launch": "llama-4", "lang": "zh",
     "title": "横评：Llama 4 Maverick、DeepSeek-V3-0324、Qwen2.5-Max 中文任务对比",
     "url": "https://blog.example.com/zh/llama-4-vs-deepseek-v3-qwen", "label": "-X",
     "pools": [("compare_zh", None)]},
    {"key": "battles", "at": "2025-04-08T09:30", "launch": "llama-4",
     "title": "LMArena publishes Llama 4 Maverick experimental battle transcripts",
     "url": "https://huggingface.co/spaces/lmarena-ai/Llama-4-Maverick-03-26-Experimental_battles",
     "pools": [("battles", None)]},
    {"key": "caught", "at": "2025-04-08T19:10", "launch": "llama-4",
     "title": "Meta got caught gaming AI benchmarks with Llama 4",
     "url": "https://news.example.com/2025/04/meta-llama-4-benchmark-gaming", "label": "-G",
     "pools": [("gaming", None), ("offtopic", 1)]},
    {"key": "epoch", "at": "2025-04-08T16:00", "launch": "llama-4",
     "title": "Epoch AI runs Llama 4: Maverick 67% on GPQA Diamond, under 1% on FrontierMath",
     "url": "https://epoch.ai/data/ai-benchmarking-dashboard", "pools": [("epoch", None)]},
    {"key": "trust_ask", "at": "2025-04-09T00:30", "launch": "llama-4",
     "title": "Ask HN: After Llama 4, do you still trust any LLM leaderboard?",
     "text": "Between the LMArena variant story and the contamination rumours, I no longer know "
             "what to look at when picking a model. What do you use instead?",
     "pools": [("trust", None)]},
    {"key": "mlx", "at": "2025-04-08T21:00", "launch": "llama-4",
     "title": "Llama 4 Scout runs at 40 tok/s on an M3 Ultra with MLX",
     "url": "https://blog.example.net/llama-4-scout-mlx", "label": "+P",
     "pools": [("mlx", None)]},
    {"key": "providers", "at": "2025-04-09T02:00", "launch": "llama-4",
     "title": "Llama 4 answers differ a lot between API providers",
     "url": "https://evals.example.org/llama-4-provider-variance", "label": "-D",
     "pools": [("providers", None)]},
    {"key": "cn_providers", "at": "2025-04-09T06:00", "launch": "llama-4", "lang": "zh",
     "title": "为什么不同平台上的 Llama 4 表现差这么多？",
     "pools": [("providers_zh", None)]},
    {"key": "cn_techreport", "at": "2025-04-09T08:10", "launch": "llama-4", "lang": "zh",
     "title": "Llama 4 的技术报告什么时候出？", "pools": []},
    {"key": "cn_qwq", "at": "2025-04-09T11:00", "launch": "qwq-32b", "lang": "zh",
     "title": "QwQ-32B 本地跑了一个月，说说体验",
     "label": "+P", "pools": [("qwq_zh", None)]},
    {"key": "compare", "at": "2025-04-09T13:20", "launch": "llama-4",
     "title": "Llama 4 Maverick vs. DeepSeek V3 0324 vs. Gemini 2.5 Pro on our RAG workload",
     "url": "https://eng.example.com/rag-llama-4-deepseek-v3-gemini-2-5", "label": "0X",
     "pools": [("compare", None)]},
    {"key": "goodhart", "at": "2025-04-09T16:40", "launch": "llama-4",
     "title": "Goodhart's law and the Llama 4 leaderboard episode",
     "url": "https://essays.example.net/goodhart-llama-4", "label": "-G",
     "pools": [("essay", None)]},
    {"key": "behemoth", "at": "2025-04-09T22:00", "launch": "llama-4",
     "title": "Llama 4 Behemoth: what we know about the 2T-parameter teacher",
     "url": "https://blog.example.net/llama-4-behemoth", "pools": [("behemoth", None)]},
    {"key": "dsv3_after", "at": "2025-04-10T03:00", "launch": "deepseek-v3-0324",
     "title": "DeepSeek V3 0324 quietly became the open-weights model to beat",
     "url": "https://notes.example.org/2025/04/deepseek-v3-open-weights", "label": "+PX",
     "pools": [("dsv3", None)]},
    {"key": "cn_scout_zh", "at": "2025-04-10T09:20", "launch": "llama-4", "lang": "zh",
     "title": "Llama 4 Scout 中文能力简单测试", "url": "https://blog.example.com/zh/llama-4-scout-chinese",
     "pools": []},
    {"key": "gguf", "at": "2025-04-10T15:00", "launch": "llama-4",
     "title": "Llama 4 Scout GGUF quants: what works in llama.cpp as of today",
     "url": "https://blog.example.net/llama-4-scout-gguf", "pools": [("gguf", None)]},
    {"key": "scout_review", "at": "2025-04-10T20:00", "launch": "llama-4",
     "title": "A week with Llama 4 Scout for document extraction",
     "url": "https://eng.example.com/llama-4-scout-document-extraction",
     "pools": [("scout_review", None)]},
    {"key": "qwq_after", "at": "2025-04-11T08:00", "launch": "qwq-32b",
     "title": "QwQ-32B on a single 4090: a month in",
     "url": "https://blog.example.net/qwq-32b-month", "label": "+P", "pools": [("qwq", None)]},
    {"key": "rank35", "at": "2025-04-11T13:10", "launch": "llama-4",
     "title": "The released Llama 4 Maverick enters LMArena at #35",
     "url": "https://lmarena.ai/leaderboard", "label": "-RG", "pools": [("rank", 9)]},
    {"key": "cn_rank", "at": "2025-04-11T15:00", "launch": "llama-4", "lang": "zh",
     "title": "原版 Llama 4 Maverick 上榜 LMArena 第 35 名，实验版还挂在第 2",
     "label": "-RG", "pools": [("rank_zh", None)]},
    {"key": "vanilla", "at": "2025-04-12T01:30", "launch": "llama-4",
     "title": "Meta's unmodified Llama 4 Maverick ranks below GPT-4o and Claude 3.5 Sonnet",
     "url": "https://news.example.com/2025/04/vanilla-maverick-ranks-below-rivals", "label": "-RX",
     "pools": [("rank", None)]},
    {"key": "ollama", "at": "2025-04-12T10:40", "launch": "llama-4",
     "title": "Llama 4 Scout lands in the Ollama library",
     "url": "https://ollama.com/library", "pools": []},
    {"key": "gemini_refactor", "at": "2025-04-12T17:00", "launch": "gemini-2.5-pro",
     "title": "Gemini 2.5 Pro is the first model I trust with multi-file refactors",
     "url": "https://blog.example.net/gemini-2-5-pro-refactors", "label": "+P",
     "pools": [("gem", None)]},
    {"key": "cn_summary", "at": "2025-04-13T04:00", "launch": "llama-4", "lang": "zh",
     "title": "Llama 4 这一周：从发布到翻车的时间线",
     "url": "https://blog.example.com/zh/llama-4-week-timeline", "label": "-GC",
     "pools": [("summary_zh", None)]},
    {"key": "rank32", "at": "2025-04-13T13:30", "launch": "llama-4",
     "title": "Llama 4 Maverick settles at #32 on LMArena; the experimental variant is delisted",
     "url": "https://lmarena.ai/leaderboard", "pools": [("rank32", None)]},
    {"key": "postmortem", "at": "2025-04-14T09:30", "launch": "llama-4",
     "title": "What went wrong with Llama 4?",
     "url": "https://essays.example.net/what-went-wrong-llama-4", "label": "-RG",
     "pools": [("postmortem", None), ("offtopic", None)]},
]


# --- The texts -------------------------------------------------------------------------------
# Written for this demo; every line is distinct. See the module docstring for the line format.

POOLS: dict[str, str] = {}

POOLS["dsv3"] = """
+PX | Switched our PR-review bot from Claude 3.7 Sonnet to DeepSeek-V3-0324 last week. Review quality is close enough and the bill dropped by roughly 8x.
0 | For context, the 0324 checkpoint is the same architecture as the December V3, just more post-training. The MIT license on the weights is the bigger news to me.
+P | The jump in front-end code generation over the December release is real. It finally writes Tailwind that doesn't look like 2019 Bootstrap.
-D | Their official API has been timing out for me during China daytime hours. Great model, but I would not put it on a latency-sensitive path without a second provider.
0 ^ | Which eval set did you use? "Internal coding evals" can mean anything from LeetCode clones to real tickets.
+PX | On Aider's polyglot benchmark it went from 48% to 55% with the new checkpoint. That puts an open-weights model within shouting distance of the closed frontier for the first time.
0 | 685B parameters on disk though. Open weights is not the same as runnable at home, for most of us this is still an API model.
-R | It still loops on long agentic tasks. After 30 or so tool calls it starts repeating the same plan verbatim.
+PX | Honest question: is there any reason left to pay for GPT-4o on coding tasks when V3 0324 is this cheap? Our A/B shows users can't tell them apart.
0 ^ | Price per token is not the whole story, the cache-hit discount matters more if your prompts share a long prefix.
-D | Tried the 1.58-bit dynamic quant on a 192GB Mac. It loads, it answers, and it produces about two tokens per second. Fun demo, not a workflow.
+P | Whatever they did in post-training, the Chinese writing quality went up noticeably too. My colleagues in Shanghai switched their drafting to it.
"""

POOLS["dsv3_zh"] = """
+PX | 0324 这版前端能力确实上来了，生成的 React 组件基本能直接用，比之前的 V3 强不少，跟 Claude 3.7 差距不大。
-D | 官方 API 白天高峰期经常超时，我们只能同时接了两家第三方平台做兜底。
0 | 权重还是 MIT 协议，这点很良心。不过 685B 的体量，个人基本只能用 API。
+P | 写中文公文和周报已经完全够用了，语气比以前自然，不会一股翻译腔。
-R ^ | 长对话还是会忘前面的约束，我让它全程用 TypeScript，二十轮之后又开始写 JavaScript。
"""

POOLS["qwq"] = """
+P | QwQ-32B at Q4_K_M on a 3090 is still my go-to for anything with arithmetic in it. Slow, yes, but it gets the answer right far more often than the 70B dense models I tried.
-D | The thinking traces are the problem. A simple question can burn 6,000 tokens before the answer, which at 25 tok/s is four minutes of waiting.
0 | Make sure you use the recommended sampling settings (temperature around 0.6, top-p 0.95). With greedy decoding it gets stuck in repetition loops.
+PX | For my use (competition-style math homework checking) it beats DeepSeek-R1-Distill-Qwen-32B clearly. Not close.
0 ^ | What context length are you running? The default in some frontends is 2048, which truncates the reasoning and makes the model look dumb.
-R | It overthinks trivial prompts. Asked it what 2+3 is and got a paragraph about whether the question was a trick.
0 | I'd wait a few weeks. Meta is expected to ship something soon and Qwen3 keeps being mentioned in PRs.
+PX | 20.9% on Aider polyglot is not impressive next to the big closed models, but for a 32B you can run locally it's a very usable coding helper.
-D ^ | llama.cpp's default chat template for it was broken for a while, so double-check you pulled a recent GGUF before judging it.
+P | The Apache 2.0 license is what makes it for us. We can fine-tune and ship it inside a product without a lawyer meeting.
"""

POOLS["qwq_zh"] = """
+P | QwQ-32B 4bit 量化在 4090 上跑，数学题正确率很高，就是思考过程太长，一道题要等一两分钟。
+PX | 对比了一下刚出的 Llama 4 Scout，推理题上还是 QwQ 稳，Scout 参数大了好几倍反而不如它。
-D | 显存 24G 刚好够，上下文开到 32K 就爆了，只能开 16K 凑合用。
0 ^ | 采样参数很重要，温度 0.6、top_p 0.95，用贪心解码会一直重复。
"""

POOLS["qwen3"] = """
0 | The PR adds both dense and MoE classes, so it looks like there will be a mixture-of-experts variant alongside the usual sizes.
0 | Model classes in transformers usually land a couple of weeks to a month before the weights. I would not read too much into the timing.
+P | If it is anything like the Qwen2.5 jump, the small sizes alone will be worth it. Qwen2.5-7B is still the best model I can run on my laptop.
0 ^ | Where do you see the MoE config? I only found the dense modeling file in the diff.
"""

POOLS["anticip"] = """
0 | The usual pattern is a release right before or at their developer conference, so late April would be my guess.
-R | There were reports that early checkpoints underperformed on reasoning and math, which is supposedly why it slipped. Take with salt.
0 | I just hope they ship something that fits on a single consumer GPU again. The 405B was interesting but irrelevant to most people.
0 ^ | They said multimodal from the start this time, not bolted-on adapters. That would be a real change from Llama 3.2.
-X | DeepSeek V3 0324 and Gemini 2.5 Pro landed in the same two weeks. Whatever Meta ships has to clear a much higher bar than it did in January.
0 | Mixture-of-experts is my bet. Everyone else moved to MoE for serving cost reasons.
"""

POOLS["gem"] = """
+P | Gemini 2.5 Pro is the first Google model I reach for by default. The long-context reasoning over a whole repo is genuinely useful.
-D | The preview tier rate limits are tight. We hit the per-minute cap during a single CI run with a dozen parallel reviews.
+PX | 72.9% on polyglot versus 64% for Claude 3.7 Sonnet with thinking. That gap surprised me, Aider's benchmark is hard to game.
0 | Note the pricing doubles above 200K tokens of input. Worth knowing before you dump an entire monorepo into it.
-R | It is great at code but it over-comments everything. Every second line gets a comment restating what the line does.
0 ^ | Is the preview model identical to the exp-03-25 one, or a new snapshot? The changelog wording is ambiguous.
+P | The thinking summaries are actually readable, which helps when I need to check why it made a decision.
-D | Structured output mode still rejects some JSON schemas that OpenAI accepts, so our existing tool definitions needed rewriting.
+PX | Gave it the same gnarly concurrency bug that stumped GPT-4o and o3-mini for me last month. It found the race on the first try.
0 | For anyone comparing: the Aider number is with the diff-fenced edit format, which it handles better than the plain diff one.
+P | Refactors across ten files with consistent naming, tests updated, and nothing hallucinated. First time I let a model do that unsupervised.
-D ^ | Did you hit the output cap? It sometimes stops mid-file on long edits and I have to ask it to continue.
"""

POOLS["gem_zh"] = """
+P | 写代码确实是目前最强的，上周让它重构一个老的 Django 项目，一次就跑通了。
-D | 国内直连不稳定，走中转 API 的话延迟又高，免费额度也经常被限流。
0 ^ | 可以用 Vertex AI，那边的配额比 AI Studio 宽松一些，不过要绑卡。
+PX | 长上下文比 Claude 好用，整个仓库扔进去也能找到问题，DeepSeek 在这方面差点意思。
"""

POOLS["launch"] = """
0 | Two models today: Scout (17B active, 16 experts, 109B total) and Maverick (17B active, 128 experts, 400B total). Behemoth is still training and was only previewed.
+P | A 10M token context window on an open-weights model is wild if it holds up. That's the headline for me.
0 | The blog says Maverick's experimental chat version scores 1417 Elo on LMArena. Note the wording: experimental chat version.
-D | "Fits on a single H100" is doing a lot of work here. That's with int4 quantization, and an H100 is not exactly a hobbyist card.
+PX | Beating GPT-4o and Gemini 2.0 Flash on their chart at this active parameter count is impressive, assuming the numbers hold outside Meta's own harness.
0 | Knowledge cutoff is August 2024, for anyone wondering.
-D | No small model this time. Llama 3 had an 8B that ran everywhere; the smallest Llama 4 is 109B total parameters. That's a step away from local users.
+P | Natively multimodal with early fusion instead of a vision adapter bolted on. Architecturally this is a much cleaner design than Llama 3.2.
0 ^ | MoE means only 17B parameters are active per token, so it's fast once loaded. The problem is loading all of it.
-G | They compare against Gemini 2.0 Flash and GPT-4o but not against Gemini 2.5 Pro or DeepSeek V3 0324, which both came out in the last two weeks. Convenient choice of opponents.
0 | Interesting that they distilled Scout and Maverick from Behemoth, which they say is around 2T parameters with 288B active.
+P | Open weights at this level, for free, still deserves credit. Meta didn't have to release any of this.
-D | Saturday release, and the Hugging Face repo is gated behind a form again. Waiting for approval like it's 2023.
0 ^ | The gate approved me in about ten minutes, for what it's worth.
0 | Can someone explain iRoPE? The post mentions *interleaved* attention layers without positional embeddings as the trick behind the long context.
-R | Tried Maverick on a few of my standard prompts through the Meta AI app. Verbose, lots of emojis, and it got a simple date arithmetic question wrong.
0 ^ | The Meta AI app might not be running the same weights as the download. I'd wait for a clean local run before judging.
+PX | Maverick at 17B active competing with DeepSeek V3 on reasoning and coding, per their chart, means cheap inference for everyone who can host it.
0 | License is the Llama 4 Community License. Still the 700M monthly active users clause, still "Built with Llama" attribution.
-D | Pricing from third-party hosts will decide everything. If Maverick costs more to serve than DeepSeek V3 in practice, the efficiency story is moot.
+P | The image understanding demos look genuinely good. Grounding boxes on screenshots is something I could use today.
0 | They mention training on 30 trillion tokens, twice Llama 3, and 200 languages in pretraining.
-G ^ | The 1417 number is from a variant nobody can download. Quoting it in the launch post for the release model is marketing, not evaluation.
+P | Running Scout on a single GPU node with 10M context would change how I do codebase Q&A. Cautiously excited.
-R | My first impression from the hosted version: it hedges constantly and pads every answer. It reads like a model tuned for a chat leaderboard, not for work.
0 | Meta says MetaP lets them set per-layer learning rates and initialisation scales that transfer across sizes. Would love a paper on that.
"""

POOLS["launch_zh"] = """
0 | 这次两个模型：Scout 109B 总参数，Maverick 400B，都是 17B 激活的 MoE。Behemoth 2T 还在训练。
+P | 原生多模态 + 1000 万上下文，如果实测能达到，开源社区又有得玩了。
-D | 最小的都 109B 了，消费级显卡彻底没戏，说好的单卡 H100 也得 int4 量化。
0 | 官方博客里说 Maverick 的实验版在 LMArena 上 1417 分，排第二。
-G | 对比图里只放了 GPT-4o 和 Gemini 2.0 Flash，刚出的 Gemini 2.5 Pro 和 DeepSeek V3 新版都没比，挑对手挑得很讲究。
+PX | 17B 激活就能打 DeepSeek V3，推理成本会很低，期待国内云厂商尽快上线。
0 ^ | MoE 只是激活参数少，显存还是要装下全部参数的，别被 17B 骗了。
-R | 在 Meta AI 上试了几个问题，回答啰嗦，动不动就加表情，中文还夹英文。
0 | 周六发布有点奇怪，估计是赶在 LlamaCon 之前。
+P | 不管怎么说，Meta 继续开源这个量级的模型，还是值得肯定的。
0 ^ | 许可证还是 Llama 社区协议，月活超过 7 亿要单独申请，对大部分公司没影响。
-D | Hugging Face 上还要填表申请，国内网络下载四百多 G 的权重也是个问题。
+P | 图片理解的例子看着不错，截图里的按钮都能框出来。
-X | 同样是开源，DeepSeek 是 MIT 协议，Llama 的社区协议限制多了不少。
0 | 训练数据 30 万亿 token，是 Llama 3 的两倍，官方说覆盖了 200 种语言。
-R ^ | 实测中文能力一般，写个七言绝句平仄全不对，还不如 Qwen2.5-72B。
+PX | 要是 Scout 真能在长上下文上吊打 Gemini，RAG 的很多工程问题就省了。
0 | 等 llama.cpp 和 Ollama 支持再说，现在能在本地跑起来的人估计不多。
"""

POOLS["offtopic"] = """
0 | Slightly off topic, but does anyone know why HN strips emoji from titles? I wanted to quote the launch post exactly.
0 | Unrelated: the Meta blog page pegs one of my CPU cores at 100% because of the autoplaying video. Reader mode fixes it.
0 | Meta question: why is every AI thread on the front page now three hundred comments of the same five arguments?
0 | Off topic, but the blog's dark mode is unreadable on Firefox. White text on a light grey card.
0 | Tangent: I miss the days when a model release came with a paper first and a blog post second.
0 | Not about Llama at all, but this is the third thread today where the top comment is about the release day of the week.
"""

POOLS["hf"] = """
0 | Both repos are gated. Scout-17B-16E and Maverick-17B-128E, plus FP8 versions of Maverick.
-D | The safetensors for Maverick are about 800GB in bf16. My home connection will take most of the weekend.
0 ^ | There's an FP8 Maverick checkpoint that's roughly half the size, if your hardware supports FP8.
-D | transformers needs the very latest release to load these; older versions fail on the config with an unknown architecture error.
+P | Downloaded Scout, loaded it on a 4xA100 box with the new transformers release, and the first answers are solid. Good job on day-zero tooling.
0 | The model card lists the supported languages: Arabic, English, French, German, Hindi, Indonesian, Italian, Portuguese, Spanish, Tagalog, Thai, and Vietnamese.
"""

POOLS["impressions"] = """
+P | Nice writeup. My experience with Scout matches yours: fast, good at extraction, weaker at multi-step reasoning.
-R | Maverick through the API failed my standard "summarise this 40-page PDF" test. It invented two section headings that do not exist.
0 | One caveat: several providers were serving with a 128K context cap on day one, not the advertised window.
+PX | For image Q&A it's better than Llama 3.2 90B Vision by a wide margin, and comparable to GPT-4o on my receipts dataset.
-R | The writing style is bizarre. It opens every answer with "Great question!" and ends with a list of three follow-up offers.
0 ^ | That sounds like the system prompt of whatever app you used, not the base behaviour. Try the raw API with an empty system prompt.
-D | Scout on a rented H100 with int4 works, but the context I could actually fit was about 250K tokens, nowhere near 10M.
+P | Multilingual output is a clear improvement. Its Portuguese is noticeably more natural than Llama 3.3's.
0 | I'd hold off on conclusions. Day-one implementations of new architectures are often subtly wrong, remember the Gemma 2 softcapping bugs.
-RX | Honestly underwhelming next to DeepSeek V3 0324 for coding. It writes plausible code that doesn't compile.
+P | The latency is excellent. 17B active means Maverick streams faster than any 70B dense model I've used.
-R ^ | Fast garbage is still garbage. I got three wrong SQL joins in a row.
"""

POOLS["context"] = """
0 | Memory is the limit. The KV cache for millions of tokens on a model this size is hundreds of gigabytes even with tricks.
-D | I tried 1M tokens on an 8xH100 node with vLLM and it ran out of memory during prefill. The 10M figure seems theoretical for anyone outside Meta.
0 | Meta's own chart shows needle-in-a-haystack retrieval, which is the easiest long-context test. It says little about reasoning over the whole window.
-R | On a realistic multi-document QA test, recall dropped sharply somewhere past 100K tokens. The model answered confidently from the wrong document.
0 ^ | Which provider? Some are serving it with a shorter window and silently truncating the input, which would look exactly like that.
+P | Even at 256K, being able to drop a whole codebase in without chunking is a big deal for me. I don't need 10M.
0 | The trained context was shorter; they extend it with the interleaved no-RoPE layers and inference-time temperature scaling, per the blog.
-D | Prefill time is the other problem. At a few thousand tokens per second, 10M tokens takes the better part of an hour before the first output token.
-RX | Gemini 2.5 Pro handles 500K tokens of my legal documents better than Scout handles 200K. The number on the box is not the experience.
0 ^ | Fiction.LiveBench-style tests are what I'd want to see, not needle retrieval.
"""

POOLS["license"] = """
0 | The main change I see: the multimodal rights exclusion for EU-domiciled individuals and companies carried over from Llama 3.2.
0 | Still not open source by the OSI definition. Open weights with a use policy and a scale clause.
-D | The EU clause means our Berlin team legally cannot use the vision features, which makes it useless for our product. Back to Qwen.
0 ^ | It applies to the licensee, not the end users of a product built elsewhere. Talk to a lawyer, but it's narrower than people think.
+P | For what it's worth, the license is still permissive enough for 99% of companies. I'm grateful the weights exist.
0 | Attribution: you must display "Built with Llama" and model names derived from it must start with "Llama".
"""

POOLS["deploy"] = """
-D | Scout is 109B parameters. At 4 bits that's around 55GB before KV cache, so two 3090s or a 64GB Mac at minimum, and you won't get long context.
0 | Rule of thumb for MoE: memory scales with total parameters, speed with active parameters. Scout is cheap to run per token and expensive to host.
-D | llama.cpp doesn't support the architecture yet. There's an open PR (https://github.com/ggml-org/llama.cpp/pulls?q=llama4), but until it lands: no GGUF, no Ollama, no LM Studio.
-D | vLLM works but needed the nightly build and a specific transformers version. The stable release crashed with a missing attention kernel. What finally worked for me:¶  vllm serve meta-llama/Llama-4-Scout-17B-16E-Instruct --tensor-parallel-size 8 --max-model-len 430000¶Anything longer than that ran out of KV cache.
+P | With the FP8 checkpoint, Maverick on 8xH100 serves around 120 tok/s per request for us. Very good throughput for its quality.
-D | The 4-bit bitsandbytes path fails on Scout's MoE layers. You need the compressed-tensors int4 checkpoint instead, which almost nobody has yet.
0 ^ | Unsloth usually publishes dynamic quants within days. I'd give it a week before deciding it's unusable locally.
-D | Tried Maverick on two providers' APIs. One returns 500 errors whenever the prompt includes an image, the other caps output at 4K tokens.
-D | The chat template on the Hugging Face repo changed twice in the first day. If your outputs look broken, re-pull the tokenizer config.
+P | Once set up, Scout is a pleasure to serve. Low latency, small active parameter count, and it batches well.
-D | Our Triton deployment ran out of memory on the vision encoder with batch size above four. Text-only works fine.
0 | For Apple Silicon folks: MLX support landed in mlx-lm quickly, Scout 4-bit needs around 60GB of unified memory.
-D | Mac Studio M2 Ultra 192GB: Maverick 4-bit loads but leaves no room for context. It's the MoE memory wall again.
0 ^ | On the Mac the bottleneck for long prompts is prefill speed, not memory. Expect minutes for a 100K prompt.
-D | The tokenizer has a new special-token layout; every agent framework that hardcoded Llama 3's header tokens breaks silently.
+PX | Cost-wise, Maverick on Together is cheaper per million tokens than GPT-4o-mini and in my tests clearly better. Good value if it's stable.
"""

POOLS["deploy_zh"] = """
-D | 两张 3090 跑 Scout 的 4bit 量化，勉强能加载，上下文只能开到 8K，速度每秒三四个 token。
0 | MoE 模型显存占用看总参数，速度看激活参数，Scout 属于跑得快但装不下的类型。
-D | llama.cpp 目前还不支持 Llama 4 架构，PR 还在 review，Ollama 也只能等。
-D | vLLM 要用 nightly 版本，正式版加载直接报错，说找不到 attention 后端。
+P | 公司 8 卡 A100 上用 vLLM 跑 Maverick FP8，吞吐很高，比 70B 的 dense 模型快多了。
-D ^ | A100 不支持 FP8 吧？你是不是用的 bf16 然后 offload 了一部分？
0 | 等 Unsloth 出动态量化版本再试，一般几天之内就会有。
-D | 国内下载 Hugging Face 权重太慢了，ModelScope 上暂时还没有同步。
-D | 官方的 chat template 改了两次，第一天拉的 tokenizer 配置会导致输出乱码，记得重新下载。
+P | Mac Studio 192G 用 MLX 跑 Scout 4bit 挺流畅的，每秒二十多 token，日常用够了。
0 ^ | 长上下文在 Mac 上主要卡在 prefill，十万 token 的输入要等好几分钟。
-D | 用某云平台的 Llama 4 API，带图片的请求一直返回 500，纯文本倒是正常。
"""

POOLS["arena_early"] = """
0 | Note the name: Llama-4-Maverick-03-26-Experimental. The released checkpoint on Hugging Face is Llama-4-Maverick-17B-128E-Instruct.
-G | So the model on the leaderboard is not the model you can download. That seems like it should be a bigger deal than people are making it.
0 ^ | Labs test variants on LMArena all the time under codenames. The question is whether they disclose which one they ship.
-G | The launch post quotes 1417 Elo for an "experimental chat version" in the same breath as the open release. Most readers will assume it's the same model.
+P | Second place behind only Gemini 2.5 Pro is remarkable for an open-weights family, whatever the details.
0 ^ | Open-weights family, but the #2 entry isn't an open-weights model. That's the whole issue.
-G | Look at the answers in the arena: long, chatty, full of emojis and flattery. That's tuned for human preference votes, not for accuracy.
0 | Style control puts it 7th rather than 2nd, if you toggle that on https://lmarena.ai/leaderboard ¶Still high, but a very different story.
-R | I asked the downloadable Maverick the same prompts I saw screenshots of from the arena version. Completely different tone and much weaker answers.
0 | LMArena rankings measure which answer people prefer in a blind comparison. That correlates with quality but it isn't quality.
-G | If you submit a special chat-tuned build for the leaderboard and ship something else, the leaderboard stops telling anyone anything.
0 ^ | To be fair, the blog post does say "experimental". It's disclosed, just in small print.
"""

POOLS["weekend"] = """
0 | Probably to get ahead of LlamaCon and whatever Qwen and DeepSeek ship next. Weekend launches usually mean a date slipped or was pulled forward.
-G | A Saturday launch means fewer people checking claims on day one. Cynical, but it's the usual playbook for weak releases.
0 ^ | Or someone's bonus depended on a Q1-ish ship date. Not everything is a conspiracy.
-R | The model seems rushed, so the date fits. Broken chat templates and inconsistent providers all weekend.
0 | Mark Zuckerberg posted a video about it the same day, so it wasn't an accidental push. It was planned.
+P | Honestly I like weekend releases. I had time to actually play with Scout instead of reading about it between meetings.
"""

POOLS["rumour_zh"] = """
-C | 如果是真的，那 Llama 4 的所有跑分都没有参考价值了，后训练混测试集基本就是作弊。
0 | 匿名帖子，无法核实身份，先别急着下结论。一亩三分地上这类爆料真假都有。
0 ^ | 楼主也说了是未证实，大家理性讨论，等官方回应。
-C | 从 Aider 和实际体验看，榜单成绩和真实水平差距这么大，测试集泄露的解释很合理。
-C | 帖子里说为了达到小扎定的目标，把各家 benchmark 的测试集混进了后训练，这要是真的就太离谱了。
0 | 判断有没有污染可以看模型对测试集题目的补全能力，改几个数字再问，看成绩掉多少。
-CR | 我自己测了几道改写过的数学竞赛题，Maverick 原题能做对，换了数字就不会了，很可疑。
0 ^ | 这个方法不严谨，很多模型对改写题都会掉分，不能直接说明是污染。
-C | 大厂为了 KPI 刷榜不是第一次了，只是这次被内部人捅出来了。
0 | 据说发帖人已经离职，帖子后来也被删了，信息来源越来越难核实。
-CG | 一边用实验版刷 LMArena，一边传出测试集污染，Llama 4 这次口碑算是彻底崩了。
+P ^ | 我用 Scout 做信息抽取效果挺好的，不管传闻真假，模型本身在部分任务上还是能用的。
0 | 这种传闻很难证明，也很难证伪，除非 Meta 公开后训练数据。
-C | 测试集混进去只需要一点点，分数就能虚高好几个点，外部几乎查不出来。
"""

POOLS["aider"] = """
-RX | 15.6% on polyglot. For comparison, DeepSeek V3 0324 is 55.1% and Gemini 2.5 Pro is 72.9%. QwQ-32B, a model you can run on one GPU, scores 20.9%.
-R @aider | That's worse than Llama 3.3 70B territory on a benchmark that's hard to overfit. Something is badly off with this release.
0 @aider ^ | It used the whole-file edit format, which is more forgiving. Well-formed responses were 99%, so it isn't a formatting problem, just wrong code.
-R @aider | This matches my own experience. It writes confident Python that fails on the first test case.
0 @aider | Aider runs these through a provider API, not Meta's own stack. Worth rerunning once implementations settle before calling it final.
-RG @aider | The gap between Meta's coding chart and Aider's result is enormous. Somebody's numbers are not measuring the same thing.
0 @aider ^ | Meta's chart was LiveCodeBench, which measures something different from editing existing code in six languages.
-RX @aider | Gemini 2.5 Pro is at almost five times the score. There's no version of "implementation bugs" that closes that gap.
-R @aider | I've used Aider daily for a year. 16% means it fails at simple edits most of the time. Unusable for coding.
0 @aider | First-pass rate was 4.4% and 15.6% after the second attempt with test feedback, per the leaderboard YAML: https://github.com/Aider-AI/aider/blob/main/aider/website/_data/polyglot_leaderboard.yml
-RX @aider | Even Qwen2.5-Coder-32B does better on real coding for me, and that's a model from last autumn.
+P @aider ^ | Coding was never Meta's focus for Llama. For multilingual chat and vision, Maverick is still good.
-R @aider | The first open model from a lab this size that is clearly worse at coding than its predecessor's reputation. Ouch.
0 @aider | Did anyone try it with the diff format? Some models do better when they don't have to reproduce whole files.
-RG @aider | Launch chart: beats GPT-4o. Independent benchmark: one fifth of DeepSeek. I know which one I believe.
-R @aider ^ | Yes, same story with diff: more malformed edits and still very low pass rate.
"""

POOLS["aider_zh"] = """
-RX | 15.6% 真的惨，DeepSeek V3 新版 55.1%，Gemini 2.5 Pro 72.9%，连 32B 的 QwQ 都有 20.9%。
-R | 我用 Cursor 接了 Maverick 试了一下午，改代码经常改错地方，还把原来对的逻辑删了。
0 ^ | Aider 测的是多语言改代码，和官方宣传的 LiveCodeBench 不是一回事，不能完全对比。
-RG | 官方宣传碾压 GPT-4o，独立测试一塌糊涂，这差距不是实现 bug 能解释的。
0 | 有人说第三方平台的部署有问题，可以等过几天 Aider 重新测一次再看。
-RX | 拿 400B 总参数的模型去输给本地 32B 的 QwQ，Meta 这次真的拉胯。
+P ^ | 写代码确实不行，但多语言对话和看图还可以，别一棍子打死。
-R | 写个简单的 Go 并发程序都写不对，channel 关两次直接 panic。
"""

POOLS["prod"] = """
0 | We're evaluating Scout for classification. Accuracy is on par with 3.3 70B on our labels, at lower latency. Not switched yet.
-D | Tried swapping Maverick in behind our extraction service; JSON mode through our provider returned malformed output about 5% of the time.
+P | We moved our image captioning pipeline to Maverick. Quality is better than our previous open model and cost went down.
-R | Switched back within a day. Answers were longer, more hedged and less accurate on our support tickets.
0 ^ | How are you hosting it? Quality seems to depend heavily on the provider right now.
-D | Not in prod. Our infra team refuses to host a 400B MoE when the 70B dense model already fits our GPUs.
"""

POOLS["contam"] = """
-C @xpost | The allegation is that test sets from the major benchmarks were blended into post-training to hit targets. If true, every number in the launch post is meaningless.
0 @xpost | The source is an anonymous forum post, relayed on X. Nobody has verified the poster works at Meta.
-C @xpost | The pattern fits: great headline numbers, terrible results on benchmarks that were released after the training cutoff.
0 @xpost ^ | That pattern also fits a rushed release with a bad post-training run. Contamination isn't the only explanation for a gap.
-C @xpost | I ran a quick memorisation probe: give it the first half of GSM8K test questions and it completes the second half word for word surprisingly often.
0 @xpost ^ | GSM8K is all over the web, every model has seen it. You need a benchmark that was never public to show anything.
-CG @xpost | Training on the test set plus a special leaderboard variant. Whatever Meta's culture is right now, it is optimising for headlines.
0 @xpost | Worth separating three different claims floating around: the LMArena variant (confirmed, it's in the blog), test-set training (alleged), and bad implementations (plausible).
-C @xpost | The math scores are the giveaway. MATH-500 near frontier level, but it fails freshly written competition problems of the same difficulty.
0 @xpost | Anonymous insider posts on that forum have been right and wrong before. I'd give it low weight until someone reproduces a contamination signal.
-C @xpost | If the post-training mix included benchmark test data, it would explain why the model is so good at exactly the formats of MMLU-Pro and GPQA and nothing else.
-R @xpost ^ | I don't need a conspiracy to tell me it's bad. It's bad on my own tasks, that's enough.
0 @xpost | The person who reposted it on X was careful to say it was unverified. The headlines were less careful.
-C @xpost | Leadership setting a target score and the team hitting it exactly by the deadline. We've all seen how that happens.
+P @xpost ^ | Scout has been solid for extraction in my tests. Whatever happened with the benchmarks, it isn't a useless model.
-C @xpost | Decontamination is hard to do right even when you try. When you don't try, or try the opposite, it's trivial to inflate numbers.
0 @xpost | Meta will presumably respond on Monday US time. Until then this is all speculation.
-CG @xpost | Between the LMArena special build and this, I'm treating every Llama 4 number from Meta as marketing until independently reproduced.
0 @xpost ^ | Independent numbers are already coming in: Aider 15.6%. Whether that's contamination or just a weak model, the independent number is the one to use.
-C @xpost | Interesting that the rumour says it was done in post-training, not pretraining. That's the stage where a small amount of test data moves scores the most.
"""

POOLS["contam_zh"] = """
-C | 数据污染最直接的证据就是在公开测试集上表现很好，一换成新题就崩，Llama 4 完全符合这个特征。
0 | 可以用时间切分的方法：比较模型在训练截止日期前后发布的题目上的成绩，差距大就说明有问题。
0 ^ | LiveCodeBench 就是按时间切分的，可以看看 Maverick 在 2024 年 8 月之后的题上表现如何。
-C | 我拿 AIME 2025 的新题试了，Maverick 基本全错，但官方报的数学成绩很好看，怀疑有污染。
0 | 用 n-gram 重叠或者 min-k% prob 可以检测，但需要拿到权重，Meta 的权重是公开的，社区应该能查。
-CR | 测试集题目换个问法就答不出来，原题却对答如流，这不是背答案是什么？
0 | 要注意区分：预训练语料里混进了网上流传的题目，和故意在后训练里加测试集，是两个性质完全不同的问题。
-C | 传闻说是为了满足上面的指标要求，这种事在大厂里太常见了。
0 ^ | 目前都是传闻，没有实锤之前，技术讨论可以，别直接定性。
-CG | 又是污染又是实验版刷榜，Llama 4 的所有官方分数我都不信了。
+P | 抛开传闻，Scout 的视觉理解还不错，我测的几个图表问答都答对了。
0 | 已经有人在 GitHub 上开了仓库做 Llama 4 的污染检测，结果出来再看吧。
"""

POOLS["contam_method"] = """
0 | The cleanest method is a fresh benchmark built after the training cutoff, with the same format and difficulty. Compare scores on old vs new items.
0 | With weights you can run membership inference: min-k% token probabilities on benchmark items vs paraphrases of the same items.
0 ^ | Min-k% has a lot of false positives on text that is simply common on the web. It's suggestive, not proof.
0 | Canary strings. Some benchmarks embed a unique GUID; if the model can complete it, the data was in training.¶Few benchmarks use them though, and the ones that do are *not* the ones in the launch chart.
-C | For Llama 4 specifically, the gap between MATH-style benchmarks and freshly written problems is the strongest signal I've seen so far.
0 | Perturbation tests: change numbers and names in test questions. A model that reasons should be robust; a model that memorised drops sharply.
0 ^ | Every model drops on perturbed questions, though. You need a baseline of comparable models to interpret the size of the drop.
-C | Ask it to recite the answer options of a multiple-choice item given only the question. Maverick did that for several MMLU-Pro items in my testing, which is suspicious.
0 | You can't prove a negative from outside. The only real fix is labs publishing their decontamination process and an audit of the training mix.
0 | Unrelated to the drama, this is a good question in general. Most benchmark contamination is accidental, from web scrapes that include the test sets.
"""

POOLS["regress"] = """
-R | Same experience with retrieval: the model cites paragraph numbers that don't exist once the input is beyond roughly 100K tokens.
-RX | Gemini 2.5 Pro at 500K beats Scout at 120K on every long-document task I tried. The advertised window and the usable window are different things.
0 | Long-context recall is hard to evaluate fairly; results depend heavily on the provider's RoPE scaling settings in the first week.
-R | It also degrades in multi-turn chats. Around turn 15 it forgets the system instructions entirely.
-R ^ | I see the same, plus it starts answering a previous question instead of the current one.
0 | The writeup tests Scout only. Would be good to see Maverick on the same suite.
-R | Worse than Llama 3.3 70B on our summarisation set. A newer model should not be a step backwards.
0 ^ | Did you use the same prompt? Llama 4's chat template differs, and prompts tuned for 3.3 can hurt.
-RX | On our Chinese-English translation set it lost to Qwen2.5-72B by eight BLEU points.
+P | To balance this: short-context extraction and classification are genuinely good, and fast. Just don't use it for 1M-token work.
"""

POOLS["business_zh"] = """
0 | 赞一下楼主用自己的数据测，比看榜单有用多了。
-R | 我们客服场景测了 Maverick，回答比 Qwen2.5-72B 啰嗦，准确率还低了 6 个点。
+P | 文档抽取任务上 Scout 表现不错，字段准确率和 GPT-4o 差不多，成本低很多。
-RX | 中文理解明显不如 DeepSeek V3，成语和网络用语经常理解错。
0 ^ | 你用的是哪家的 API？不同平台的部署差别很大，我这边同一个问题两家答案完全不一样。
-D | 我们内网部署不了，400B 的 Maverick 需要的显卡我们根本没有，只能放弃。
"""

POOLS["showhn"] = """
+P | Useful. We saw one provider silently serving Scout when the request asked for Maverick, and this would have caught it.
0 | How do you fingerprint the model? Logprob patterns on fixed prompts, or something more clever?
0 ^ | Fixed prompts with temperature 0 plus tokenizer-specific edge cases. Different checkpoints disagree on a handful of them consistently.
-D | Ran it against four providers: two matched the reference weights, one had a different chat template, one truncated context to 32K without saying so.
"""

POOLS["safety"] = """
0 | Small bug report: your results page renders model output as raw HTML. I had a completion that literally contained <script>alert(1)</script> and it executed. Please escape it.
0 ^ | Same here, the test prompt about image tags came back with <img src=x onerror=alert(1)> in the answer and the dashboard popped an alert. Sanitize before rendering.
"""

POOLS["denial"] = """
0 @denial | > that's simply not true¶The statement also attributes the mixed quality to implementations that still need to stabilise across providers.
0 @denial | A clear denial on contamination, and nothing said about the LMArena variant. Those are separate issues and only one was addressed.
-G @denial | "We would never do that" about test sets, while the leaderboard entry was a custom build. The denial is carefully scoped.
0 @denial ^ | It's scoped because the two questions have different answers. The variant was disclosed, the contamination was a rumour.
-R @denial | "Implementations need to stabilise" is fair for day one, but the model is weak on their own API too. That's not a third-party bug.
+P @denial | Good that he addressed it directly and quickly. Plenty of companies would have stayed silent.
0 @denial | Several providers have updated their deployments since Saturday. It'd be useful for someone to rerun the independent benchmarks now.
-C @denial ^ | A denial from the person responsible doesn't settle anything. Of course he would say that.
0 @denial | Anonymous forum post vs named executive on the record. Absent new evidence, the denial should carry more weight.
-R @denial | Even granting no contamination, it's a weak model. The denial doesn't make the Aider score better.
0 @denial | The mention of mixed quality across services matches what people saw: the same prompt gives very different results on different hosts.
-G @denial | What I'd like is a clear answer to one question: is the 03-26-Experimental checkpoint going to be released? If not, stop quoting its Elo.
+P @denial | I believe him, for what it's worth. Test-set training is a career-ending move for the people involved and the upside is tiny.
0 @denial ^ | The upside isn't tiny if your leadership judges the launch by benchmark tables. That's the whole worry.
-D @denial | If quality really depends on the host's implementation, Meta should publish a reference inference stack and conformance tests on day one.
0 @denial | Interesting that the statement also mentions they released the models "as soon as they were ready". Meaning: yes, it was rushed.
"""

POOLS["denial_zh"] = """
0 | 官方说法：听说有人讲我们在测试集上训练，这完全不是真的，效果参差是因为各平台的部署还没调好。
-C | 当事人否认不代表什么，没有独立审计之前，我还是持怀疑态度。
0 ^ | 匿名帖对比实名高管公开表态，在没有新证据之前，后者可信度更高一些吧。
-G | 否认了测试集污染，但对 LMArena 用实验版打榜只字不提，避重就轻。
-R | 就算没污染，模型本身也不行，Aider 15.6% 总不是部署问题吧。
0 | 确实有几家平台这两天更新了部署，效果有变化，可以重新测一下。
+P | 回应得很及时，态度也算坦诚，先给 Meta 一点信任。
-D | 如果效果依赖各家的部署实现，Meta 应该第一天就提供参考实现和一致性测试。
"""

POOLS["livebench"] = """
-RX @livebench | 54.4 global average, below DeepSeek V3 0324 at 57.5 in the same table, and far below Gemini 2.5 Pro at 77.4.
0 @livebench | LiveBench refreshes questions regularly precisely to limit contamination, so it's a useful cross-check on the rumours.
-R @livebench | Mid-table on a contamination-resistant benchmark. That's consistent with Aider and inconsistent with Meta's chart.
0 @livebench ^ | To be precise, it's a new LiveBench release (2025-04-02), so scores aren't directly comparable to the older table.
+P @livebench | Its instruction-following category is actually decent. The average is dragged down by reasoning and coding.
-RX @livebench | So the summary is: worse than the DeepSeek model it was supposedly competing with, at more total parameters.
"""

POOLS["gaming"] = """
-G @arenastmt | LMArena itself now says the experimental model was *customized to optimize for human preference* and that Meta should have made that clearer.¶That's as close to "we were gamed" as a leaderboard will say.
0 @arenastmt | They're also releasing the battle data and updating their policies so that this can't happen the same way again. Reasonable response.
-G @arenastmt | Submitting a chat-optimised variant to the leaderboard and shipping a different model is benchmark gaming, whatever the press office calls it.
0 @arenastmt ^ | Meta's line is that they experiment with custom variants all the time. The problem is quoting that variant's score in the release announcement.
-G @arenastmt | The launch post literally put 1417 in the headline. That number belongs to a model you can't download.
0 @arenastmt | The statement also says they'll add the released Hugging Face version to the arena, so we'll see the real number in a few days.
-G @arenastmt | It's selective reporting: pick the variant that scores best on each benchmark and report them all as "Llama 4".
-R @arenastmt ^ | And the public version is visibly worse. The gap between the two is the story here, more than the policy wording.
0 @arenastmt | To be fair to LMArena, their policy allowed private testing of variants. The issue was disclosure, which is why they're changing the policy.
-G @arenastmt | Goodhart's law in its purest form: tune a model for votes from people who like long, enthusiastic answers, then use the votes as proof of quality.
+PX @arenastmt ^ | The style-controlled rank was still top ten, above many closed models. The experimental variant was good at something, even if it's not what we wanted.
-G @arenastmt | Imagine a car maker sending a special tuned car to the magazine test and selling a different one. We'd call that fraud.
0 @arenastmt ^ | The analogy is off, they named it "experimental" in the blog. It's bad disclosure, not secret substitution.
-G @arenastmt | I'd like to know whether other labs do the same thing with less honest names. LMArena should publish the exact checkpoint hash of every entry.
-GR @arenastmt | The leaderboard model is chatty and charming, the released one is flat and wrong. That was never an "implementation" problem.
0 @arenastmt | The battle logs are worth reading. The variant answers with emojis, compliments and lots of padding; voters liked it anyway.
-G @arenastmt | Meta had the strongest brand in open models a week ago. Trading it for a temporary #2 on a leaderboard was a terrible deal.
0 @arenastmt | A spokesperson told the press the 03-26 model is a chat-optimised version they experimented with that also performs well on LMArena. No apology, no denial.
-G @arenastmt | The whole launch feels reverse-engineered from a benchmark table: pick the comparisons, pick the variant, pick the date.
0 @arenastmt ^ | Lots of assumptions there. The simpler story is a rushed launch with marketing that overstated things.
-G @arenastmt | Cherry-picked baselines in the chart, a special variant on the arena, and numbers nobody could reproduce on launch day. Three strikes.
+P @arenastmt | I still think Scout is a useful model. The benchmark theatre around it is what I object to, not the weights.
"""

POOLS["gaming_zh"] = """
-G | LMArena 官方都说了，Meta 提交的是为了人类偏好专门调过的版本，这就是打榜，没什么好洗的。
0 | LMArena 会公开对战数据，还会把 Hugging Face 上的正式版加进去重新排名，过几天就能看到真实成绩。
-G | 发布博客里把实验版的 1417 分放在最显眼的位置，普通读者肯定以为就是开源的那个模型。
0 ^ | 博客里确实写了 experimental，只是写得不够清楚，算是披露不足，不能说完全隐瞒。
-G | 专门训一个讨好评委的版本去刷分，然后开源另一个版本，这跟考试找枪手有什么区别。
-GR | 实验版回答又长又爱用表情，正式版又冷又容易出错，两个根本不是一个模型。
0 | 看了一些对战记录，实验版回答确实很讨喜，很多投票的人可能根本没仔细看内容对不对。
-G | 选对手、选版本、选发布时间，这次发布从头到尾都像是为了榜单设计的。
+P ^ | 不管打榜的事，开源的 Scout 在我这边做文档问答还挺好用的，别一棍子打死。
-G | 以后看 LMArena 排名都要先确认一下是不是能下载的版本了。
0 | LMArena 说会更新政策，要求厂商明确标注提交的模型是不是定制版本。
-G | 大厂刷榜这次算是被官方点名了，性质比之前的传闻严重多了。
-CG | 刷榜加上测试集污染传闻，Meta 的开源招牌这次砸得不轻。
0 ^ | 污染目前还只是传闻，刷榜是 LMArena 官方确认的，这两件事要分开看。
"""

POOLS["compare_zh"] = """
-X | 中文写作 Maverick 明显不如 DeepSeek-V3-0324，用词生硬，经常中英混杂。
-RX | 数学题 Qwen2.5-Max 和 DeepSeek 都比 Maverick 稳，Maverick 计算过程对了结果抄错。
+X | 看图这一项 Maverick 反而是三个里最好的，表格截图识别很准。
0 | 楼主的测试集能公开吗？自建测试集的结果很难复现，也不好比较。
-X | 价格方面 DeepSeek V3 官方 API 比各家的 Maverick 都便宜，效果还更好，没有换的理由。
0 ^ | 测评用的是哪个平台的 Maverick？最近几家的版本效果差异很大，最好注明。
-RX | 代码题三个模型里 Maverick 垫底，写的 SQL 经常语法错误。
+PX | 速度 Maverick 最快，17B 激活参数的优势很明显，对实时场景还是有吸引力的。
0 | 这种横评还是要看任务，我们做客服的更在意稳定性和成本，纯看分数意义不大。
-X | Qwen2.5-Max 的中文理解和 DeepSeek 差不多，Llama 4 在中文上还是差一截。
"""

POOLS["battles"] = """
0 | They posted over two thousand battles with the experimental model. The typical winning answer is three times longer than the opponent's.
-G | Reading through them, the model wins by being agreeable and entertaining, not by being correct. Several wins are for wrong answers with a joke attached.
0 ^ | Human preference is what the arena measures. It's working as designed; the design just rewards this.
-GR | Found a battle where it confidently gives a wrong date for a historical event, wrapped in emojis, and it still won the vote.
0 | It's a good dataset for studying style bias in pairwise evaluation, regardless of the drama.
+P | Some of the answers are genuinely good. Whatever they did to that variant for conversational tone, I'd like a version of that released.
-G | This is exactly why style control exists. The fact that Meta needed a special variant to win without it says a lot.
0 ^ | With style control it was still near the top, so the variant wasn't only about length and markdown.
-G | Kudos to LMArena for publishing these. It's damning for the submitter, not for the arena.
0 | Would be great if they did the same analysis for every top-ten model, not just this one. Length bias isn't unique to Meta.
"""

POOLS["epoch"] = """
0X | Maverick 67.0% on GPQA Diamond, basically tied with DeepSeek V3 0324 at 67.6%. Scout 51.8%.
-RX | Gemini 2.5 Pro is at 83.8% on the same GPQA run. Maverick isn't in the frontier conversation on reasoning.
0 | FrontierMath near zero is expected for every non-reasoning model. It isn't specific to Llama 4.
0 ^ | The nice thing about Epoch running these is that the harness is the same across models, so at least the comparison is apples to apples.
"""

POOLS["trust"] = """
0 | I trust benchmarks that are refreshed (LiveBench), private (some held-out sets), or measure real work (Aider, SWE-bench). And my own evals above all.
-G | Public leaderboards became marketing channels a while ago. This episode just made it undeniable.
0 | Build a tiny private eval set from your own tasks, 50 examples is enough, and *never* post it anywhere. It's the only leaderboard that matters.
0 ^ | Even private evals leak if you run them through third-party APIs, in theory. Paranoid, but not impossible.
+P | LMArena's response was fine. They published data, changed policy, and will list the real model. I still trust it, with style control on.
-G | The arena ranks the model the lab chooses to send. As long as labs can send tuned variants, the ranking is of the variants.
0 | Look at several benchmarks together. A model that's top-3 in one place and mid-table everywhere else is telling you something.
-GC | Between special variants and possible contamination, a single number from the vendor now has roughly zero information for me.
0 ^ | Vendor numbers never had much. Independent, reproducible numbers are the ones that count, and there are still plenty of those.
0 | Aider's leaderboard is my favourite because it publishes the exact command and model string for each run. Reproducibility is the feature.
"""

POOLS["mlx"] = """
+P | 40 tok/s is great. MoE plus unified memory is the perfect match; only 17B parameters are touched per token.
-D | What's the prefill speed though? On my M2 Ultra a 30K-token prompt took over a minute before the first token.
0 ^ | Prefill is compute-bound and that's where Macs lag. For chat it doesn't matter, for RAG it matters a lot.
+PX | Quality at 4-bit on MLX is better than I expected. For my note-taking assistant it beats Gemma 3 27B.
-D | Needs 64GB minimum for Scout 4-bit. On a 48GB machine it swaps and slows to a crawl.
0 | mlx-lm supports the vision part too now, though images add noticeable latency.
"""

POOLS["providers"] = """
-D | We ran the same 200 prompts through five providers. Accuracy ranged from 61% to 78% for what is nominally the same model.¶Full table and prompts: https://evals.example.org/llama-4-provider-variance/raw
0 | Differences come from chat templates, sampling defaults, quantization and context handling. Each provider made different choices in a rush.
-D | One provider quantized Maverick to FP8 with a broken scale for the MoE router, which would explain the nonsense outputs people reported on day one.
0 ^ | Do you have a source for the router bug, or is that a guess? Not doubting, just want to read the fix.
-D | Another reason to never judge a model from its first weekend. The serving stack is half the model.
-R | Even the best provider's result was below Llama 3.3 70B on our tasks. Implementation fixes won't change the ranking for us.
+P | On the best provider, Maverick was honestly good: fast, accurate, cheap. The story may be "badly served" more than "bad model".
0 | This supports what Meta said in its response about quality differences across services.
-D | Rate limits and 502s on two of the five during our run. Hosting a 400B MoE at scale is clearly still painful for smaller clouds.
0 ^ | Could you publish the per-provider breakdown? It would help people choose.
"""

POOLS["providers_zh"] = """
-D | 同样的问题在三家平台上问，答案质量差很多，有一家连基本的中文都说不通顺。
0 | 主要是 chat template、采样参数和量化方式不一样，新架构第一周各家都在赶工。
-D | 有平台默认把上下文截断到 32K，不提示也不报错，长文档问答直接答非所问。
0 ^ | 建议测之前先确认平台用的是哪个权重版本和什么精度，不然结果没有可比性。
+P | 换了一家部署比较规范的平台之后，Maverick 的表现其实还可以，速度很快。
-R | 就算是最好的平台，效果也就和 Llama 3.3 70B 差不多，没有宣传的那么好。
"""

POOLS["compare"] = """
0X | Nice to see a write-up with the actual prompts. For our RAG workload the ranking is the same: Gemini 2.5 Pro, then DeepSeek V3 0324, then Maverick.
-X | Maverick is fastest and cheapest per query, but answer accuracy was eight points behind DeepSeek in your table. For RAG, accuracy wins.
+X | Maverick was best at following the citation format. DeepSeek V3 kept inventing its own reference style.
0 | Retrieval setup matters more than the generator in most RAG benchmarks I've seen. Did you fix the retriever across models?
0 ^ | Yes, same retriever and same top-k, only the generator changed.
-RX | It matches our experience: Maverick sounds fluent but hallucinates details from chunks it wasn't given. Gemini 2.5 Pro almost never does.
+PX | For the price, Maverick is a very good option at high volume. Not the best, but the best per dollar in your own chart.
0 | Would be nice to see Qwen2.5-72B and Llama 3.3 70B in the same table as baselines.
-X | GPT-4o is still more reliable than all three open models on the "say you don't know" cases, in my experience.
0 ^ | GPT-4o isn't open either; Gemini 2.5 Pro isn't open. The table mixes categories.
-RX | DeepSeek V3 0324 beat Maverick on every category except latency. Hard to argue for Maverick unless latency is your only constraint.
+X | Maverick's vision input is a real differentiator here; DeepSeek V3 can't read the scanned PDFs at all.
"""

POOLS["essay"] = """
-G | Good essay. The key point: when a leaderboard rank becomes a launch KPI, someone will build a model for the leaderboard.¶Nobody has to lie for this to happen. Each step is locally reasonable.
0 | Goodhart's law applies to every benchmark eventually. The only defence is many benchmarks, refreshed often, run by independent people.
-G | The cherry-picked comparison chart is the part that bothers me most. Leaving out the two strongest contemporaries was a choice.
0 ^ | Launch charts always compare against whatever makes you look good. That's been true since the GPT-3 days.
-GC | If the rumours are even partly true, this goes beyond Goodhart. Optimising for a metric is one thing; putting the test in the training set is another.
0 | LMArena's policy change, requiring disclosure of customised variants, is exactly the kind of fix the essay argues for.
+P | The essay undersells the model. Scout is decent for its cost; the marketing was the failure, not the engineering.
-G | Metrics are just a proxy, and everyone agrees with that until the proxy is what gets them promoted.
"""

POOLS["behemoth"] = """
0 | 2T total, 288B active, 16 experts. Meta says it's still training and served as the teacher for codistillation.
-G | They report Behemoth beating GPT-4.5 and Claude 3.7 Sonnet on STEM benchmarks, but nobody can test it. Numbers for an unreleased model are just claims.
0 ^ | Labs often preview unreleased models. It's the same as Google announcing Ultra before shipping it.
0 | If it's ever released, the hardware to run it locally won't exist for hobbyists. It's a research artifact.
"""

POOLS["gguf"] = """
+P | The Unsloth dynamic quants of Scout work well in llama.cpp now. Q4 quality is close to the bf16 reference on my tests.
-D | Vision isn't supported in llama.cpp's Llama 4 path yet, text only. Worth knowing before you download 60GB.
0 | The llama.cpp support PR merged a few days ago; make sure your build is from after the merge or it won't load.
-D | Ollama's Scout uses a 2K context by default. Most "it's dumb" reports I've seen trace back to that.
0 ^ | You can set num_ctx in a Modelfile, but memory usage grows quickly with Scout.
+P | Running Scout Q3 on 2x3090 at 18 tok/s, it's a solid local assistant now that the tooling caught up.
"""

POOLS["scout_review"] = """
+P | This matches our experience. Scout is very good at pulling fields out of invoices and forms, and it's fast.
+PX | We saw similar accuracy to GPT-4o on structured extraction at a fraction of the cost. The vision part handles scanned documents well.
-R | Good at extraction, bad at anything that needs reasoning across pages. It can't reconcile totals between the summary and line items.
0 | How do you handle the long-context claims in practice? Chunking or whole documents?
0 ^ | Whole documents up to about 60 pages, chunking beyond that. We didn't trust it past 100K tokens.
+P | Nice to read a measured review after a week of hot takes. Most of the drama is about Maverick and benchmarks, not about Scout's usefulness.
-D | We couldn't get the same results on our own hosting as on the provider the author used. Deployment quality varies a lot.
0 | Did you compare against Llama 3.3 70B? That's the model most of us would be replacing.
"""

POOLS["rank"] = """
-R @rank35 | 35th. The experimental variant is still listed at #2 in the same snapshot. Two "Maverick" entries, thirty places apart.
-G @rank35 | This is the clearest evidence yet that the launch claim was about a different model. Same name, 1273 vs 1417.
-RX @rank35 | Below GPT-4o, Claude 3.5 Sonnet and Gemini 1.5 Pro, models that are a year old or more. For a new flagship that's rough.
0 @rank35 | The released model has fewer votes so far, its interval is wide. It may move a few places either way.
0 @rank35 ^ | A few places, not thirty. The confidence interval is plus or minus a dozen points, not a hundred.
-RX @rank35 | DeepSeek V3 0324 sits well above it too, for what it's worth.
-G @rank35 | LMArena did what they said they'd do and listed the real model. Meta's launch post still cites the 1417.
+P @rank35 ^ | Rank 35 on a preference board doesn't mean it's useless. It's cheap, fast and open; for many workloads that's the point.
-R @rank35 | So the honest summary of Maverick is: mid-pack open model with a famous special edition.
0 @rank35 | Interesting that the style-control rank is notably better than the raw rank for the released model too. Its answers are short and plain.
-GR @rank35 | Meta's spokesperson called the 03-26 model a chat-optimised experiment that "also performs well" on the arena. The released one doesn't.
0 @rank35 | Arena score 1273 with about 2,600 votes, in case anyone wants the exact numbers.
-RX @rank35 | Even Gemma 3 27B ranks above it. A 27B dense model beating a 400B MoE on human preference is telling.
0 @rank35 ^ | Gemma 3 is very strongly tuned for chat style. Preference rank rewards that, so it's not a pure capability comparison.
"""

POOLS["rank_zh"] = """
-G | 同一个名字两个版本，一个第 2 一个第 35，打榜的事情算是板上钉钉了。
-RX | 排在 GPT-4o、Claude 3.5 Sonnet 后面，连一年前的老模型都打不过，Meta 这次太难看了。
0 | 正式版票数还少，置信区间比较宽，过几天排名可能还会变。
0 ^ | 变也变不了多少，差了一百多分，不是几分的误差。
-RX | DeepSeek V3 新版排得都比它高，开源第一的位置早就不是 Llama 了。
+P | 排名低不代表没用，Maverick 速度快、价格低，有些场景还是挺合适的。
-G | 官方博客到现在还挂着 1417 分的宣传，一点都没改。
-R | 实际用下来就是中游水平，这个排名其实挺准的。
"""

POOLS["summary_zh"] = """
0 | 时间线整理得很清楚：周六发布，周日 Aider 15.6%，周一污染传闻和官方否认，周二 LMArena 声明，周五正式版第 35 名。
-GC | 一周之内从开源之光到口碑崩盘，打榜加上污染传闻，这次教训够深刻的。
0 ^ | 污染那部分建议标注一下是未证实的传闻，和 LMArena 官方确认的实验版问题分开写。
-R | 总结一句：宣传和实测差距太大，Maverick 实际水平就是中游。
+P | 其实 Scout 在抽取和看图任务上还不错，可惜被整个事件拖累了。
-X | 同期 DeepSeek-V3-0324 和 Gemini 2.5 Pro 口碑都很好，对比之下 Llama 4 更显得尴尬。
"""

POOLS["rank32"] = """
0 @rank32 | 32nd in today's snapshot, score unchanged at 1273. The 03-26-Experimental entry is gone from the board.
-G @rank32 | Removing the experimental entry is the right call. It should never have been the headline number.
0 @rank32 | Style-control rank 23, so with length and formatting discounted it does a bit better.
-R @rank32 | Where it should have been from the start: a middling model with good efficiency.
0 @rank32 ^ | The jump from 35 to 32 is mostly other entries moving, not Maverick improving.
-GR @rank32 | The delisting quietly erases the evidence from the board. Good thing the scraped snapshots exist.
+P @rank32 | Honestly, 32nd out of that many models for an open 17B-active MoE is fine. The expectations were the problem.
-RX @rank32 | Still below Gemini 1.5 Pro and GPT-4o from last year. And DeepSeek V3 0324 is far above it.
"""

POOLS["postmortem"] = """
-RG | My short version:¶1. a rushed release,¶2. a launch narrative built on a variant nobody could use,¶3. benchmarks chosen to flatter.
0 | A lot of the early bad results really were implementation bugs that providers fixed during the week. That part gets forgotten.
-R | The model itself regressed on coding relative to what people expected from a new flagship. No narrative fixes 15.6% on Aider.
0 ^ | Expectations were set by competitors releasing stronger models in the two weeks before. Two months earlier it would have looked fine.
-G | The LMArena variant was the unforced error. Without it, this would have been a mediocre launch instead of a scandal.
+P | Scout is a good, efficient model. I hope Meta keeps releasing open weights despite the bad press.
-D | The serving story was also a mess: missing llama.cpp support, shifting chat templates, and providers silently truncating context.
-C | The test-set rumour was never resolved either way, and the damage to trust stays regardless.
"""


if __name__ == "__main__":
    main()
