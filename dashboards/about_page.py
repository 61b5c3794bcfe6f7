"""About the data: where the posts come from, how many, the last runs, the classifier and what
the numbers cannot tell."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import session
from warehouse import dashboard as wd

LIMITS = """
- **The labels are a classifier's, not a person's.** Each post's sentiment and claims come from a
  small model (MiniLM fine-tuned on launchwatch's training texts, character n-grams and
  logistic-regression heads). Its
  training data was mostly labelled by LLM annotators following written definitions; no person
  checked those labels.
- **Sentiment is rough.** On the real posts held out for evaluation the sentiment macro-F1 stays
  below the project's target of 0.65 (the README's "How well it does" gives the numbers); positive
  and negative posts are often confused. Read negative shares as a trend, not a measurement.
- **Chinese posts are labelled less well** than English ones: MiniLM's vocabulary is English, and
  character n-grams only partly make up for it.
- **Only what was collected counts.** Sources differ in reach (Reddit listings stop near 1,000
  items, X recent search covers 7 days, Hacker News is searched by keyword), so a platform's share
  of posts says as much about collection as about the conversation. The Events page marks event
  windows that collection did not cover.
- **Event times are as precise as their sources.** Some are known only to the day (dashed rules
  at 00:00 UTC) or the month.
- **The demo data is not real**: `make demo` serves posts written for the demo (timed around the
  real Llama 4 events, which are sourced).
"""


def render() -> None:
    ctx = session.context()
    st.title("About the data")
    st.write(f"Snapshot published {session.when(ctx.published_at)}, read from `{ctx.snapshot}` (read-only).")
    st.subheader("Posts per platform and language")
    counts = wd.post_counts(ctx.con)
    st.dataframe(counts, hide_index=True, key="about-counts-table")
    st.caption("linked: about a catalogued launch; classified: labelled by the active classifier version.")
    st.subheader("Last ingest runs")
    runs = wd.recent_runs(ctx.con)
    if runs.empty:
        st.write("No ingest run is recorded.")
    else:
        st.dataframe(runs, hide_index=True, key="about-runs-table")
    st.subheader("Classifier")
    _classifier(ctx)
    st.subheader("Known limits")
    st.markdown(LIMITS)


def _classifier(ctx: session.Context) -> None:
    active = wd.active_classifier(ctx.con)
    if active is None:
        st.write("No post has been classified yet: `launchwatch classify` labels them.")
        return
    st.write(
        f"Active version **{active['model_id']} {active['model_version']}**, active since "
        f"{session.when(active['activated_at'])}; it has labelled {active['labelled']:,} posts."
    )
    card = wd.model_card(active["model_id"], active["model_version"])
    if card is None:
        st.write("Its model card is not bundled with this install, so its measured accuracy cannot be shown here.")
        return
    validation = card.get("validation", {})
    st.write(
        f"Trained on {card['n_examples']:,} labelled texts ({card['n_real']:,} real posts). Measured on "
        f"{validation.get('n', 0):,} held-out real posts (the split its thresholds were tuned on, so slightly "
        f"optimistic): sentiment macro-F1 **{validation.get('sentiment_macro_f1', float('nan')):.2f}**, "
        f"claims macro-F1 **{validation.get('claims_macro_f1', float('nan')):.2f}**."
    )
    per_label = validation.get("per_label", {})
    if per_label:
        st.dataframe(
            pd.DataFrame([{"claim": label, **scores} for label, scores in per_label.items()]),
            hide_index=True, key="about-claims-table",
        )


if __name__ == "__main__":
    render()
