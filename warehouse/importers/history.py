"""Leaderboard histories as events: when a model was first listed, moved, and was dropped.

The input is a series of snapshots of one board, each listing models with a rank and a score.
The rule, the same for every board:

- The first snapshot of the file is the baseline. Its models were already listed, and when is not
  known, so they get no entry event; the file's first snapshot is not their first appearance.
- A model listed in a snapshot but not in the one before is an entry (`leaderboard_entry`).
- A listed model moves (`leaderboard_change`) when its rank differs by at least `rank_step`
  places, or its score by at least `score_step` points, from its last recorded event. Comparing
  with the last recorded event (not the previous day) keeps daily jitter of one or two places
  out while slow drift still shows once it adds up.
- A model listed in a snapshot and absent from the next is dropped (`leaderboard_exit`); if it
  comes back, that is a new entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

RANK_STEP = 3
SCORE_STEP = 10.0


@dataclass(frozen=True)
class Snapshot:
    version: str  # how the source names the snapshot (a date, a commit)
    at: datetime  # when it was published (UTC)
    url: str  # where this snapshot can be read


@dataclass(frozen=True)
class Listing:
    model: str  # as the board spells it
    rank: int
    score: float


@dataclass(frozen=True)
class Change:
    kind: str  # leaderboard_entry, leaderboard_change or leaderboard_exit
    snapshot: Snapshot
    model: str
    listing: Listing | None  # None for an exit
    before: Listing | None  # the last recorded listing, None for an entry


def changes(
    snapshots: Iterable[tuple[Snapshot, list[Listing]]],
    *,
    rank_step: int = RANK_STEP,
    score_step: float = SCORE_STEP,
) -> list[Change]:
    """The entries, moves and exits of a board's snapshots, given oldest first."""
    found: list[Change] = []
    recorded: dict[str, Listing] = {}
    listed: dict[str, Listing] | None = None
    for snapshot, listings in snapshots:
        current = {listing.model: listing for listing in listings}
        if listed is None:
            recorded = dict(current)
            listed = current
            continue
        for model in listed.keys() - current.keys():
            found.append(Change("leaderboard_exit", snapshot, model, None, recorded.pop(model)))
        for model, listing in current.items():
            if model not in listed:
                found.append(Change("leaderboard_entry", snapshot, model, listing, None))
                recorded[model] = listing
                continue
            last = recorded[model]
            if abs(listing.rank - last.rank) >= rank_step or abs(listing.score - last.score) >= score_step:
                found.append(Change("leaderboard_change", snapshot, model, listing, last))
                recorded[model] = listing
        listed = current
    return found
