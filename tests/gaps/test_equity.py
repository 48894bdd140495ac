"""Fairness across social need: concentration index and ratio of the fifths, by hand and on Neuss."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
from scipy.stats import rankdata

from gaps import equity as eq
from gaps.equity import Equity, compute_equity, equity_line
from gaps.graph import build_graph
from gaps.service import GapRequest, report_to_json, run_gap_analysis
from tests.conftest import load_neuss_with_schools


@dataclasses.dataclass(frozen=True)
class Row:
    place_id: int
    social_index: int | None
    underserved_share: float | None


def rows(indices: list[int | None], shares: list[float | None]) -> list[Row]:
    return [Row(i, si, h) for i, (si, h) in enumerate(zip(indices, shares, strict=True))]


def convenient_ci(indices: list[int], shares: list[float]) -> float:
    """The "convenient" sum form, independent of the module: 2 Σ hᵢ Rᵢ / (n μ) − 1, Rᵢ = (rank − ½) / n."""
    h = np.asarray(shares, float)
    n = h.size
    r = (rankdata(indices, method="average") - 0.5) / n
    return float(2 * np.sum(h * r) / (n * h.mean()) - 1)


def covariance_ci(indices: list[int], shares: list[float]) -> float:
    h = np.asarray(shares, float)
    r = (rankdata(indices, method="average") - 0.5) / h.size
    return float(2 * np.cov(h, r, bias=True)[0, 1] / h.mean())


def ci(result: Equity | None) -> float:
    assert result is not None
    return result.concentration_index


def test_equal_shares_give_zero_and_read_as_equal():
    result = compute_equity(rows([1, 3, 5, 7, 9], [0.3] * 5))
    assert result is not None
    assert result.concentration_index == pytest.approx(0.0, abs=1e-12)
    assert result.ratio_most_least_deprived == pytest.approx(1.0)
    assert result.anchors == 5
    assert result.interpretation.msgid == eq.EQUAL


def test_all_underserved_at_the_most_deprived_school_is_positive_0_8():
    # Ranks 0.1 … 0.9, μ = 0.2: CI = 2 · 0.9 / (5 · 0.2) − 1 = 0.8.
    result = compute_equity(rows([1, 2, 3, 4, 5], [0, 0, 0, 0, 1.0]))
    assert ci(result) == pytest.approx(0.8)
    assert result is not None and result.interpretation.msgid == eq.HIGHER_NEED
    # The least deprived fifth has no underserved catchment: no ratio, but both means.
    assert result.ratio_most_least_deprived is None
    assert (result.most_deprived_share, result.least_deprived_share) == (1.0, 0.0)


def test_reversed_is_negative_and_the_ratio_falls_below_one():
    result = compute_equity(rows([1, 2, 3, 4, 5], [1.0, 0, 0, 0, 0]))
    assert ci(result) == pytest.approx(-0.8)
    assert result is not None and result.interpretation.msgid == eq.LOWER_NEED
    assert result.ratio_most_least_deprived == 0.0


def test_a_gradient_by_hand_and_by_both_independent_formulas():
    indices, shares = [1, 2, 3, 4, 5], [0.1, 0.2, 0.3, 0.4, 0.5]
    result = compute_equity(rows(list(reversed(indices)), list(reversed(shares))))  # order does not matter
    # Σ hᵢ rᵢ = 0.95, μ = 0.3: CI = 2 · 0.95 / 1.5 − 1 = 4/15.
    assert ci(result) == pytest.approx(4 / 15)
    assert ci(result) == pytest.approx(convenient_ci(indices, shares))
    assert ci(result) == pytest.approx(covariance_ci(indices, shares))
    assert result is not None and result.ratio_most_least_deprived == pytest.approx(5.0)


def test_tied_indices_share_their_mean_rank():
    indices, shares = [1, 1, 5, 9, 9], [0.0, 0.2, 0.2, 0.4, 0.6]
    result = compute_equity(rows(indices, shares))
    # Ranks 0.2, 0.2, 0.5, 0.8, 0.8; μ = 0.28: CI = 2 · 0.94 / 1.4 − 1.
    assert ci(result) == pytest.approx(1.88 / 1.4 - 1)
    assert ci(result) == pytest.approx(convenient_ci(indices, shares))
    # Swapping shares inside a tie changes nothing; both tied schools are in their fifth.
    assert ci(compute_equity(rows(indices, [0.2, 0.0, 0.2, 0.6, 0.4]))) == pytest.approx(ci(result))
    assert result is not None
    assert (result.least_deprived_share, result.most_deprived_share) == pytest.approx((0.1, 0.5))
    # One social index for all: no gradient to measure.
    flat = compute_equity(rows([4] * 6, [0.1, 0.5, 0.2, 0.0, 0.9, 0.3]))
    assert ci(flat) == pytest.approx(0.0, abs=1e-12) and flat is not None
    assert flat.ratio_most_least_deprived == pytest.approx(1.0)


def test_random_rows_agree_with_the_covariance_formula_and_stay_within_bounds():
    rng = random.Random(11)
    for _ in range(200):
        n = rng.randint(5, 40)
        indices = [rng.randint(1, 9) for _ in range(n)]
        shares = [rng.choice([0.0, rng.random()]) for _ in range(n)]
        if sum(shares) == 0:
            continue
        value = ci(compute_equity(rows(indices, shares)))
        assert value == pytest.approx(covariance_ci(indices, shares), abs=1e-9)
        assert -1 < value < 1


def test_too_few_schools_with_an_index_give_none():
    assert compute_equity([]) is None
    assert compute_equity(rows([1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4])) is None
    # Kitas and schools without an index or a share are not counted.
    mixed = rows([1, 2, 3, 4, None, 5], [0.1, 0.2, 0.3, 0.4, 0.9, None])
    assert compute_equity(mixed) is None
    assert compute_equity(mixed, minimum=4) is not None
    assert eq.MIN_ANCHORS == 5


def test_no_underserved_catchment_anywhere_is_equal_without_dividing_by_zero():
    result = compute_equity(rows([1, 2, 3, 4, 5, 6], [0.0] * 6))
    assert result is not None
    assert result.concentration_index == 0.0
    assert result.ratio_most_least_deprived is None
    assert result.interpretation.msgid == eq.NONE_UNDERSERVED


def test_weights_equal_to_each_other_change_nothing_and_a_weight_counts_like_a_copy():
    data = rows([1, 2, 2, 3, 5, 7, 9], [0.05, 0.3, 0.1, 0.2, 0.4, 0.35, 0.6])
    plain = compute_equity(data)
    assert plain is not None
    same = compute_equity(data, weights={r.place_id: 3.0 for r in data})
    assert same is not None
    assert same.concentration_index == pytest.approx(plain.concentration_index)
    assert same.ratio_most_least_deprived == pytest.approx(plain.ratio_most_least_deprived)
    # Weight 2 on one school = that school twice (e.g. twice the residents).
    doubled = compute_equity(data, weights={r.place_id: (2.0 if r.place_id == 4 else 1.0) for r in data})
    copied = compute_equity([*data, Row(99, data[4].social_index, data[4].underserved_share)])
    assert ci(doubled) == pytest.approx(ci(copied))
    # A missing or zero weight leaves the school out; a negative one is a mistake.
    fewer = compute_equity(data, weights={r.place_id: 1.0 for r in data[:5]})
    assert fewer is not None and fewer.anchors == 5
    with pytest.raises(ValueError, match="weight"):
        compute_equity(data, weights={r.place_id: -1.0 for r in data})


def test_the_line_carries_index_ratio_and_sentence_in_the_language():
    result = compute_equity(rows([1, 2, 3, 4, 5], [0.1, 0.2, 0.3, 0.4, 0.5]))
    assert result is not None
    en = equity_line(result, "en")
    assert "concentration index 0.27" in en and "fifth 5.0" in en and "higher social need" in en
    de = equity_line(result, "de")
    assert "0,27" in de and "5,0" in de and "higher social need" not in de
    none = compute_equity(rows([1, 2, 3, 4, 5], [0, 0, 0, 0, 1.0]))
    assert none is not None and "fifth –." in equity_line(none, "en")


# ---------------------------------------------------------------- the shared Neuss extract


@pytest.fixture(scope="module")
def neuss_report(tmp_path_factory, shared_data):
    inputs, _ = load_neuss_with_schools(f"sqlite:///{tmp_path_factory.mktemp('equity') / 'atlas.db'}")
    return run_gap_analysis(
        build_graph(inputs.network),
        places=inputs.places,
        verdicts_by_place=inputs.verdicts_by_place,
        indicators=inputs.indicators,
        request=GapRequest(group="all", minutes=4),
    )


def test_neuss_has_too_few_schools_with_an_index_so_the_json_says_null(neuss_report):
    counted = [a for a in neuss_report.anchors if a.social_index is not None and a.underserved_share is not None]
    assert 0 < len(counted) < eq.MIN_ANCHORS  # 3 of the 4 matched schools carry a Sozialindex
    assert neuss_report.equity is None
    assert report_to_json(neuss_report, "Neuss")["equity"] is None
    # The same rows with a lower minimum: the index the independent formula gives.
    low = compute_equity(neuss_report.anchors, minimum=len(counted))
    indices = [int(a.social_index) for a in counted if a.social_index is not None]
    shares = [float(a.underserved_share) for a in counted if a.underserved_share is not None]
    if sum(shares) > 0:
        assert ci(low) == pytest.approx(convenient_ci(indices, shares))
    else:
        assert ci(low) == 0.0


def test_the_json_object_when_there_is_an_equity(neuss_report):
    result = compute_equity(rows([1, 2, 3, 4, 5], [0, 0, 0, 0, 1.0]))
    data = report_to_json(dataclasses.replace(neuss_report, equity=result), "Neuss", lang="de")
    assert data["equity"] == {
        "concentration_index": 0.8,
        "ratio_most_least_deprived": None,
        "most_deprived_share": 1.0,
        "least_deprived_share": 0.0,
        "anchors": 5,
        "interpretation": data["equity"]["interpretation"],
    }
    assert data["equity"]["interpretation"] and "higher social need" not in data["equity"]["interpretation"]
