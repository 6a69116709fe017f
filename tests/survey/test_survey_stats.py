"""Frequencies with Wilson intervals and two-coder agreement, checked against independent code."""

import json

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score
from typer.testing import CliRunner

from textcoop.cli.app import app
from textcoop.errors import InputError
from textcoop.survey.stats import agreement, parse_codes, theme_frequencies, wilson


def test_wilson_known_values():
    lo, hi = wilson(5, 20)
    assert abs(lo - 0.1119) < 1e-3 and abs(hi - 0.4687) < 1e-3
    assert wilson(0, 10)[0] == pytest.approx(0.0) and wilson(10, 10)[1] == pytest.approx(1.0)


def test_frequencies_use_substantive_denominator_and_groups():
    df = pd.DataFrame(
        {
            "size": ["small", "small", "small", "medium", "medium"],
            "finance": [1, 0, 0, 1, 0],
            "skills": [0, 1, 0, 0, 0],
            "themes": ["finance", "skills", "other", "finance", ""],
            "nonsubstantive": [0, 0, 1, 0, 0],
        }
    )
    f = theme_frequencies(df, ["finance", "skills", "trust"], by=["size"]).set_index(
        ["size", "theme"]
    )
    assert f.loc[("small", "finance"), "n_substantive"] == 2  # the "не знаю" answer is out
    assert f.loc[("small", "finance"), "share"] == 0.5
    assert f.loc[("medium", "finance"), "n_substantive"] == 1  # the empty answer is out
    assert ((f.ci_low <= f.share) & (f.share <= f.ci_high)).all()
    with pytest.raises(InputError, match="group by"):
        theme_frequencies(df, ["finance"], by=["district"])


def test_parse_codes_levels():
    assert parse_codes("Cost->Licence; trust") == {"cost", "trust"}
    assert parse_codes("cost->licence;cost->fees", levels=2) == {"cost->licence", "cost->fees"}
    assert parse_codes(float("nan")) == set()


def _codings(seed=1, n=60):
    rng = np.random.default_rng(seed)
    codes = ["finance", "skills", "trust"]
    a_rows, b_rows = [], []
    for i in range(n):
        a = {c for c in codes if rng.random() < 0.35}
        b = {c for c in codes if (c in a) == (rng.random() < 0.85)}
        a_rows.append({"id": f"r{i}", "codes": ";".join(sorted(a))})
        b_rows.append(
            {
                "id": f"r{i}",
                "c1": sorted(b)[0] if b else "",
                "c2": sorted(b)[1] if len(b) > 1 else "",
                "c3": sorted(b)[2] if len(b) > 2 else "",
            }
        )
    return pd.DataFrame(a_rows), pd.DataFrame(b_rows)


def test_agreement_matches_independent_implementations():
    a, b = _codings()
    res = agreement(a, b, "id", ["codes"], ["c1", "c2", "c3"], n_boot=200)
    for code in ("finance", "skills", "trust"):
        x = [int(code in parse_codes(v)) for v in a.codes]
        y = [int(code in (set(r[["c1", "c2", "c3"]]) - {""})) for _, r in b.iterrows()]
        assert abs(res["kappa"][code] - cohen_kappa_score(x, y)) < 1e-9
    units = []
    for code in sorted(res["kappa"]):
        for i in range(len(a)):
            units.append(
                (
                    int(code in parse_codes(a.codes[i])),
                    int(code in set(b.iloc[i][["c1", "c2", "c3"]])),
                )
            )
    ref = krippendorff.alpha(reliability_data=np.array(units).T, level_of_measurement="nominal")
    assert abs(res["alpha"] - ref) < 1e-9
    assert res["alpha_ci"][0] <= res["alpha"] <= res["alpha_ci"][1] and res["n"] == 60


def _agree(pa, pb, *opts):
    return CliRunner().invoke(
        app, ["survey", "agreement", str(pa), str(pb), "--id-column", "id", *opts]
    )


def test_answers_in_one_file_are_listed_and_cli_json(tmp_path):
    a, b = _codings(n=20)
    b = b[b.id != "r3"]
    pa, pb = tmp_path / "a.csv", tmp_path / "b.xlsx"
    a.to_csv(pa, index=False)
    b.to_excel(pb, index=False)
    r = _agree(pa, pb, "--codes-columns", "c1", "--json")
    assert r.exit_code == 2 and "no column 'c1'" in r.output  # the first file has one codes column
    a.rename(columns={"codes": "c1"}).to_csv(pa, index=False)
    r = _agree(
        pa, pb, "--codes-columns", "c1", "--codes-columns", "c2", "--codes-columns", "c3", "--json"
    )
    assert r.exit_code == 2  # a.csv lacks c2/c3: named in the message
    res = agreement(a, b, "id", ["codes"], ["c1", "c2", "c3"], n_boot=50)
    assert res["only_in_a"] == ["r3"] and res["n"] == 19
    out = json.loads(_agree(pa, pa, "--codes-column", "c1", "--json").output)
    assert {"kappa", "alpha", "alpha_ci", "n"} <= out.keys() and abs(out["alpha"] - 1.0) < 1e-12
