"""`launchwatch classify [--reclassify]`: a new model version adds rows; the timeline reads it only.

Posts come from the demo replay served by a loopback Algolia (as in test_steps); the second
model is a small one trained here on a slice of the training data.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from flows import steps
from flows.cli import cli
from flows.config import settings
from models import load_model
from models.train import TrainOptions, train
from test_models import small_training_file, tiny_table
from test_steps import SINCE, UNTIL, serve_demo
from warehouse import snapshot
from warehouse import timeline as wt


def test_reclassify_adds_a_version_and_the_timeline_reads_only_it(httpserver, tmp_path):
    config = serve_demo(httpserver, tmp_path / "lw.duckdb")
    steps.collect(config, "hackernews", "llama-4", SINCE, UNTIL)
    first = steps.default_classifier(config)
    labelled = steps.classify(config, first)
    assert labelled > 100

    second_dir = train(
        small_training_file(tmp_path, every=12),
        tmp_path / "models",
        options=TrainOptions(encoder_kind="static", n_features=2**10, c_sentiment=1.0, c_claim=1.0),
        table=tiny_table(),
    )
    result = CliRunner().invoke(
        cli, ["--db", str(config.db_path), "classify", "--reclassify", "--model", str(second_dir)]
    )
    assert result.exit_code == 0, result.output
    second = load_model(second_dir)
    assert f"with {second.model_id} {second.model_version}" in result.output
    assert (first.model_version, first.model_id) != (second.model_version, second.model_id)

    with snapshot.open_snapshot(config.db_path) as con:
        per_version = dict(
            con.execute(
                "SELECT model_id || ' ' || model_version, count(*) FROM classifications GROUP BY ALL"
            ).fetchall()
        )
        # History is kept: both versions' rows are there; the new one also labels unlinked posts.
        assert per_version[f"{first.model_id} {first.model_version}"] == labelled
        total_posts = con.execute("SELECT count(*) FROM posts").fetchone()[0]
        assert per_version[f"{second.model_id} {second.model_version}"] == total_posts
        assert con.execute(
            "SELECT DISTINCT model_version FROM current_classifications"
        ).fetchall() == [(second.model_version,)]
        expected = dict(
            con.execute(
                "SELECT c.sentiment, count(*) FROM post_launches pl JOIN classifications c "
                "USING (post_id) WHERE pl.launch_key = 'llama-4' AND c.model_version = ? "
                "AND c.model_id = ? GROUP BY ALL",
                [second.model_version, second.model_id],
            ).fetchall()
        )
        day = wt.timeline(con, "llama-4", bucket="day")
    for sentiment in ("positive", "neutral", "negative"):
        assert int(day[sentiment].sum()) == expected.get(sentiment, 0), sentiment

    again = CliRunner().invoke(cli, ["--db", str(config.db_path), "classify", "--model", str(second_dir)])
    assert again.exit_code == 0 and "classified 0 posts" in again.output


def test_the_model_and_encoder_come_from_the_environment(tmp_path):
    config = settings(
        tmp_path / "lw.duckdb",
        environ={"LAUNCHWATCH_MODEL": str(tmp_path / "m"), "LAUNCHWATCH_ENCODER": "/opt/encoder"},
    )
    assert config.model_path == tmp_path / "m" and config.encoder_path == "/opt/encoder"
    plain = settings(tmp_path / "lw.duckdb", environ={})
    assert plain.model_path is None and plain.encoder_path is None


def test_classify_names_a_model_directory_that_is_not_one(tmp_path):
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "lw.duckdb"), "classify", "--model", str(empty)]
    )
    assert result.exit_code == 1
    assert "is not a trained model: expected config.json" in result.output


def test_models_eval_prints_the_baselines_and_the_targets(tmp_path):
    data = tmp_path / "eval.jsonl"
    rows = [
        {"text": "This model is amazing, best open model I have used.", "lang": "en",
         "sentiment": "positive", "claims": ["praise"]},
        {"text": "vLLM crashes with CUDA out of memory on 8 GPUs.", "lang": "en",
         "sentiment": "neutral", "claims": ["deployment_issue"]},
        {"text": "模型输出全是幻觉，太差了，很失望。", "lang": "zh", "sentiment": "negative",
         "claims": ["regression"]},
    ]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(cli, ["models", "eval", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "baseline: baseline-vader-keywords" in result.output
    assert "sentiment macro-F1" in result.output and "0.65" in result.output
    assert "sentiment confusion, baseline" in result.output
    as_json = CliRunner().invoke(cli, ["models", "eval", "--data", str(data), "--json"])
    parsed = json.loads(as_json.output)
    assert parsed["baseline"]["claims"]["deployment_issue"]["f1"] == 1.0
    assert parsed["baseline"]["sentiment"]["positive"]["recall"] == 1.0
    assert set(parsed["per_lang"]) == {"en", "zh"}


def test_models_import_reports_what_it_left_out(tmp_path):
    dev = tmp_path / "dev.jsonl"
    dev.write_text(json.dumps({"text": "a dev post about Llama 4 being slow", "sentiment": "neutral",
                               "claims": [], "source_url": "https://example.org/dev"}) + "\n")
    source = tmp_path / "labels.jsonl"
    good = {"id": "x-1", "text": "Qwen3 is great at tool calls.", "lang": "en", "platform": "reddit",
            "sentiment": "positive", "claims": ["praise"], "synthetic": False,
            "source_url": "https://example.org/a"}
    source.write_text(json.dumps(good) + "\n" + json.dumps({**good, "id": "x-2", "sentiment": "meh"}) + "\n")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    result = CliRunner().invoke(
        cli, ["models", "import", str(source), "--out", str(data_dir / "real.jsonl"), "--dev", str(dev)]
    )
    assert result.exit_code == 0, result.output
    assert "labels.jsonl:2: left out: 'sentiment' must be one of" in result.output
    assert "kept 1 rows" in result.output
    assert Path(data_dir / "real.jsonl").read_text().count("\n") == 1
