from datetime import datetime, timezone

import pytest

from warehouse.catalogue import (
    CatalogueError,
    UnknownLaunch,
    link_posts,
    load_catalogue,
    normalize_for_match,
    sync_catalogue,
)

MINIMAL_LAUNCH = """
[[launch]]
key = "gemini-2.5-pro"
name = "Gemini 2.5 Pro"
organization = "Google"
released_at = "2025-03-25T00:00:00Z"
aliases = ["gemini 2.5 pro", "gemini 2.5"]
"""


def found(catalogue, text, context=()):
    return {m.launch_key: m.variant_keys for m in catalogue.match(text, context=context)}


@pytest.mark.parametrize("spelling", ["Llama-4", "llama 4", "LLaMA_4", "llama  -  4", "Llama\u20114", "ＬＬａＭＡ ４"])
def test_spellings_of_llama_4_normalize_alike(spelling):
    assert normalize_for_match(spelling) == "llama 4"


def test_dots_fold_except_inside_numbers():
    assert normalize_for_match("Gemini-2.5-Pro. Llama 4.1") == "gemini 2.5 pro llama 4.1"


def test_spaces_next_to_cjk_are_dropped():
    assert normalize_for_match("千问 3 很强") == "千问3很强"


@pytest.mark.parametrize(
    "text, launch",
    [
        ("Llama-4 is out", "llama-4"),
        ("Tried LLaMA_4 today", "llama-4"),
        ("llama 4's context window", "llama-4"),
        ("用llama 4跑了一下", "llama-4"),
        ("羊驼4的成绩有问题", "llama-4"),
        ("通义千问3发布了", "qwen3"),
        ("千问 3 很强", "qwen3"),
        ("DeepSeek V3 0324 is great", "deepseek-v3-0324"),
        ("deepseek-v3 新版", "deepseek-v3-0324"),
        ("Gemini-2.5-Pro tops the arena", "gemini-2.5-pro"),
    ],
)
def test_aliases_match_in_english_and_chinese(catalogue, text, launch):
    assert list(found(catalogue, text)) == [launch]


@pytest.mark.parametrize(
    "text",
    ["llama 3 was better", "llama 40 does not exist", "llama 4o?", "Llama 4.1 next year", "羊驼40", "Top Gun Maverick"],
)
def test_false_friends_do_not_match(catalogue, text):
    assert catalogue.match(text) == []


def test_variants_stay_distinct(catalogue):
    assert found(catalogue, "Llama-4-Maverick-03-26-Experimental ranks 2nd") == {"llama-4": ("llama-4-maverick-exp",)}
    assert found(catalogue, "Llama-4-Maverick-17B-128E-Instruct ranks 32nd") == {"llama-4": ("llama-4-maverick",)}
    both = "Llama-4-Maverick-03-26-Experimental is not llama-4-maverick-17b-128e-instruct"
    assert found(catalogue, both) == {"llama-4": ("llama-4-maverick", "llama-4-maverick-exp")}


def test_context_alias_needs_the_launch(catalogue):
    assert found(catalogue, "Llama 4 is out; Maverick looks big") == {"llama-4": ("llama-4-maverick",)}
    (match,) = catalogue.match("Maverick is weak at code", context=["llama-4"])
    assert (match.launch_key, match.variant_keys, match.matched, match.direct) == (
        "llama-4", ("llama-4-maverick",), ("maverick",), False
    )
    assert found(catalogue, "the experimental maverick", context=["llama-4"]) == {"llama-4": ("llama-4-maverick-exp",)}


def test_not_aliases_block_other_models(tmp_path):
    path = tmp_path / "launches.toml"
    path.write_text(MINIMAL_LAUNCH + 'not_aliases = ["gemini-2.5-flash"]\n', encoding="utf-8")
    catalogue = load_catalogue(path)
    assert catalogue.match("Gemini 2.5 Flash preview 04-17") == []
    assert [m.matched for m in catalogue.match("gemini 2.5 flash loses to gemini 2.5")] == [("gemini 2.5",)]


def test_unknown_launch_lists_known_keys(catalogue):
    with pytest.raises(UnknownLaunch, match="llama-5.*known launches: deepseek-v3-0324, gemini-2.5-pro, llama-4, qwen3, qwq-32b"):
        catalogue.get("llama-5")


@pytest.mark.parametrize(
    "replace, message",
    [
        ('organization = "Google"\n', "launch 'gemini-2.5-pro': field 'organization' must be a non-empty string, found nothing"),
        ('"2025-03-25T00:00:00Z"', "field 'released_at' must be an ISO 8601 time with a zone"),
        ('aliases = ["gemini 2.5 pro", "gemini 2.5"]', "field 'aliases' must be a non-empty list"),
        ('key = "gemini-2.5-pro"', "field 'key' must be lowercase"),
    ],
)
def test_invalid_catalogue_names_launch_and_field(tmp_path, replace, message):
    broken = {
        'organization = "Google"\n': "",
        '"2025-03-25T00:00:00Z"': '"25 March 2025"',
        'aliases = ["gemini 2.5 pro", "gemini 2.5"]': "aliases = []",
        'key = "gemini-2.5-pro"': 'key = "Gemini 2.5"',
    }[replace]
    path = tmp_path / "launches.toml"
    path.write_text(MINIMAL_LAUNCH.replace(replace, broken), encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(path)


def test_duplicate_keys_and_shared_aliases_are_rejected(tmp_path):
    path = tmp_path / "launches.toml"
    path.write_text(MINIMAL_LAUNCH + MINIMAL_LAUNCH, encoding="utf-8")
    with pytest.raises(CatalogueError, match="launch key 'gemini-2.5-pro' used more than once"):
        load_catalogue(path)
    path.write_text(MINIMAL_LAUNCH + MINIMAL_LAUNCH.replace('key = "gemini-2.5-pro"', 'key = "other"'), encoding="utf-8")
    with pytest.raises(CatalogueError, match="alias 'gemini 2.5 pro' of launch 'other' is also an alias of 'gemini-2.5-pro'"):
        load_catalogue(path)


def test_sync_catalogue_is_idempotent(con, catalogue):
    sync_catalogue(con, catalogue)
    counts = con.execute(
        "SELECT (SELECT count(*) FROM launches), (SELECT count(*) FROM launch_variants), "
        "(SELECT count(*) FROM launch_aliases), (SELECT count(*) FROM launch_aliases WHERE context_only)"
    ).fetchone()
    variants = sum(len(launch.variants) for launch in catalogue.launches)
    assert counts[:2] == (len(catalogue.launches), variants)
    assert counts[2] == len(catalogue.alias_rows())
    assert counts[3] == sum(len(v.context_aliases) for launch in catalogue.launches for v in launch.variants)
    assert con.execute("SELECT normalized FROM launch_aliases WHERE alias = 'LLaMA 4'").fetchall() == []
    assert con.execute("SELECT launch_key FROM launch_aliases WHERE alias = '羊驼4'").fetchall() == [("llama-4",)]


def add_post(con, post_id, text, *, title=None, thread_id=None):
    at = datetime(2025, 4, 6, 12, tzinfo=timezone.utc)
    con.execute(
        "INSERT INTO posts VALUES (?, 'hackernews', ?, 'https://example.org', 'hackernews', ?, ?, 'someone', ?, ?, "
        "'en', ?, ?, 1, 0, 'test/1', ?, ?, false)",
        [post_id, post_id.split(":")[1], thread_id, thread_id, title, text, at, at, at, at],
    )


def links(con):
    return con.execute(
        "SELECT post_id, launch_key, variant_keys, via FROM post_launches ORDER BY post_id, launch_key"
    ).fetchall()


def test_link_posts_direct_and_thread(con, catalogue):
    add_post(con, "hn:1", "", title="Llama 4 is out")
    add_post(con, "hn:2", "Maverick is weak at code", thread_id="hn:1")
    add_post(con, "hn:3", "Qwen3 beats it anyway", thread_id="hn:1")
    add_post(con, "hn:10", "Top Gun Maverick was a good film", title="Movies")
    add_post(con, "hn:11", "Maverick again", thread_id="hn:10")
    assert link_posts(con, catalogue) == 4
    assert links(con) == [
        ("hn:1", "llama-4", [], "alias"),
        ("hn:2", "llama-4", ["llama-4-maverick"], "thread"),
        ("hn:3", "llama-4", [], "thread"),
        ("hn:3", "qwen3", [], "alias"),
    ]
    before = links(con)
    link_posts(con, catalogue)
    link_posts(con, catalogue, ["hn:1", "hn:2"])
    assert links(con) == before


def test_root_arriving_after_its_comments_passes_its_launch_down(con, catalogue):
    add_post(con, "hn:21", "它的实验版在竞技场排第二", thread_id="hn:20")
    add_post(con, "hn:22", "no idea", thread_id="hn:20")
    link_posts(con, catalogue, ["hn:21", "hn:22"])
    assert links(con) == []
    add_post(con, "hn:20", "羊驼4 发布了", title="Meta 新模型")
    link_posts(con, catalogue, ["hn:20"])
    assert links(con) == [
        ("hn:20", "llama-4", [], "alias"),
        ("hn:21", "llama-4", ["llama-4-maverick-exp"], "thread"),
        ("hn:22", "llama-4", [], "thread"),
    ]


def test_relinking_a_subset_leaves_other_posts_alone(con, catalogue):
    add_post(con, "hn:1", "Llama 4 Scout fits one GPU")
    add_post(con, "hn:2", "QwQ-32B is better")
    link_posts(con, catalogue)
    con.execute("UPDATE posts SET text = 'nothing to see' WHERE post_id = 'hn:1'")
    link_posts(con, catalogue, ["hn:1"])
    assert links(con) == [("hn:2", "qwq-32b", [], "alias")]


def test_link_posts_joins_the_callers_transaction(con, catalogue):
    con.execute("BEGIN TRANSACTION")
    add_post(con, "hn:1", "Llama 4 is out")
    link_posts(con, catalogue, ["hn:1"])
    con.execute("ROLLBACK")
    assert links(con) == []
    assert con.execute("SELECT count(*) FROM posts").fetchone() == (0,)
