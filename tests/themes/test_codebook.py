import pytest

from textcoop.themes.codebook import CodebookError, load_codebook, validate_codebook

SPEC_IDS = [
    "finance",
    "partner_search",
    "procurement",
    "clusters",
    "infrastructure",
    "technology",
    "skills",
    "regulation",
    "trust",
    "markets",
    "advisory",
    "standards",
    "other",
]


def test_default_codebook_has_the_spec_ids():
    cb = load_codebook()
    assert cb.ids == SPEC_IDS
    for t in cb.themes:
        assert t.name["ru"] and t.name["en"] and t.definition
        if t.id != "other":
            assert len(t.seeds["ru"]) >= 10 and len(t.seeds["en"]) >= 10
    assert "не знаю" in cb.nonsubstantive["phrases"]


def test_hash_ignores_formatting_and_round_trips(tmp_path):
    cb = load_codebook()
    out = tmp_path / "cb.yaml"
    cb.save(out)
    again = load_codebook(out)
    assert again.hash == cb.hash and again.ids == cb.ids
    assert again.to_dict() == cb.to_dict()


BAD = """name: mine
version: "0.1"
colour: blue
themes:
  - id: finance
    name: {en: Money}
    seeds: {en: [grant, grant]}
  - id: finance
    name: {en: Money again}
    seeds: {en: [loan]}
  - id: skills
    name: {en: Skills}
    seeds: {en: []}
    patterns: {en: ["(unclosed"]}
    mood: happy
"""


def test_validation_reports_every_problem_with_its_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(BAD, encoding="utf-8")
    problems = validate_codebook(p)
    text = "\n".join(problems)
    assert "line 3: unknown field 'colour'" in text
    assert "duplicate seeds in 'finance': grant" in text
    assert "line 8: duplicate theme id 'finance' (first at line 5)" in text
    assert "has no seed terms" in text and "'skills'" in text
    assert "bad regex '(unclosed'" in text
    assert "unknown field 'mood'" in text
    assert "needs a theme with id 'other'" in text
    with pytest.raises(CodebookError) as e:
        load_codebook(p)
    assert "invalid" in str(e.value)


def test_not_yaml(tmp_path):
    p = tmp_path / "x.yaml"
    p.write_text("themes: [unclosed\n  - id: x", encoding="utf-8")
    assert validate_codebook(p)[0].startswith("line ")
