"""Honest by construction: publishers as data, evidence labels that follow from them, ids that name no tag.

Each rule is shown refusing a case that breaks it, with the message a contributor acts on.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest

from atlas import schema
from atlas.index import build_index
from atlas.model import Atlas, Case, Framework, Publisher
from atlas.render import Options, case_page, evidence_line, render_site
from atlas.validate import load_cases, load_framework, load_publishers
from tests.conftest import ROOT, CheckText, valid_case

SOURCE = "sources:\n  - title: How we agreed our curriculum\n{lines}"


def _sources(*lines: str) -> str:
    return SOURCE.format(lines="".join(f"    {line}\n" for line in lines)).rstrip("\n")


def _messages(check_text: CheckText, **fields: str) -> list[str]:
    return [f"{p.line}: {p.field}: {p.message}" for p in check_text(valid_case(**fields))]


# --- the publishers file --------------------------------------------------------------------


def test_the_real_publishers_file_loads_and_every_kind_is_known() -> None:
    publishers, problems = load_publishers(ROOT / "framework" / "publishers.yaml", ROOT)
    assert problems == []
    assert publishers and {p.kind for p in publishers} <= set(schema.PUBLISHER_KINDS.ids)
    names = [p.name.casefold() for p in publishers]
    assert len(names) == len(set(names))


def test_a_publisher_listed_twice_or_badly_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "framework" / "publishers.yaml"
    path.parent.mkdir()
    path.write_text(
        "publishers:\n"
        "  - id: nfer\n    name: NFER\n    kind: research\n    domains: [nfer.ac.uk]\n"
        "  - id: nfer-2\n    name: nfer\n    kind: research\n    domains: [nfer.ac.uk]\n"
        "  - id: forum\n    name: Forum; Strategy\n    kind: blog\n    domains: [https://forumstrategy.org/]\n",
        encoding="utf-8",
    )
    assert [str(p) for p in load_publishers(path, tmp_path)[1]] == [
        "framework/publishers.yaml:11: publishers, item 3, name: must not contain ';' (the open data joins names with "
        "it), not 'Forum; Strategy'; use ','",
        "framework/publishers.yaml:12: publishers, item 3, kind: must be one of trust, network, government, inspectorate, "
        "parliament, research, press, membership-body, consultancy, other, not 'blog'",
        "framework/publishers.yaml:13: publishers, item 3, domains, item 1: must be a web domain such as nfer.ac.uk (or a domain "
        "and a path), not 'https://forumstrategy.org/' (did you mean 'forumstrategy.org'?)",
    ]
    path.write_text(path.read_text(encoding="utf-8").split("  - id: forum")[0], encoding="utf-8")
    assert [str(p) for p in load_publishers(path, tmp_path)[1]] == [
        "framework/publishers.yaml:7: publishers, item 2, name: 'nfer' is already given to 'nfer' (line 3); each "
        "publisher is listed once, with one name: merge them",
    ]


def test_the_framework_needs_its_publishers_file(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(ROOT / "framework", tmp_path / "framework")
    (tmp_path / "framework" / "publishers.yaml").unlink()
    fw, problems = load_framework(tmp_path / "framework", tmp_path)
    assert fw is None
    assert [str(p) for p in problems] == [
        "framework/publishers.yaml:1: file: is missing; it lists the publishers that sources name by id"
    ]


# --- each source ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ("publisher: Harbour Academy Trust", "date: 2025", "url: https://example.org/a"),
            "18: sources[1].publisher: 'Harbour Academy Trust' is not a publisher in framework/publishers.yaml; "
            "'Harbour Academy Trust' is the name of the publisher with the id 'harbour-academy-trust': "
            "write 'publisher: harbour-academy-trust'",
        ),
        (
            ("publisher: nferr", "date: 2025", "url: https://www.nfer.ac.uk/a"),
            "18: sources[1].publisher: 'nferr' is not a publisher in framework/publishers.yaml (did you mean "
            "'nfer'?); name a publisher by its id, and if it is not listed, add it to framework/publishers.yaml "
            "with its name, kind and web domains",
        ),
        (
            ("publisher: harbour-academy-trust", "date: 2025", "url: https://docslib.org/doc/1"),
            "20: sources[1].url: 'https://docslib.org/doc/1' is not on Harbour Academy Trust's web domains "
            "(example.org); cite the original on the publisher's site, or if only a copy is public, add "
            "'via: docslib.org' to say where the copy is (or, if the publisher is someone else, name them in "
            "'publisher')",
        ),
        (
            ("publisher: harbour-academy-trust", "date: 2025", "url: https://www.docslib.org/doc/1", "via: vdocs.mx"),
            "21: sources[1].via: is 'vdocs.mx', but the address is on 'www.docslib.org'; write 'via: docslib.org'",
        ),
        (
            ("publisher: harbour-academy-trust", "date: 2025", "url: https://www.example.org/a", "via: example.org"),
            "21: sources[1].via: is 'example.org', but 'www.example.org' is Harbour Academy Trust's own site, "
            "not a copy; remove 'via'",
        ),
        (
            ("publisher: harbour-academy-trust", "date: 2025"),
            "17: sources[1]: has no 'url'; give the web address of the original, or for a source that is not on "
            "the web, 'offline:' saying where a reader can find it",
        ),
        (
            ("publisher: harbour-academy-trust", "url: https://example.org/a"),
            "17: sources[1].date: is missing; add it, for example 'date: 2026-01-31'; or 'date: undated' when the "
            "source gives no date",
        ),
        (
            ("publisher: harbour-academy-trust", "date: undated", "url: https://example.org/a", 'offline: "Print"'),
            "21: sources[1].offline: is for a source with no 'url'; remove one of them",
        ),
    ],
)
def test_a_source_breaking_a_rule_is_refused(lines: tuple[str, ...], expected: str, check_text: CheckText) -> None:
    assert _messages(check_text, sources=_sources(*lines)) == [expected]


@pytest.mark.parametrize(
    "title",
    ['"The STEP Compass (undated web page)"', '"Multi-academy trusts [PDF]"', '"Our plan (copy)"'],
)
def test_a_note_in_a_source_title_is_refused(title: str, check_text: CheckText) -> None:
    text = valid_case(sources=_sources("publisher: harbour-academy-trust", "date: 2025", "url: https://example.org/"))
    problems = check_text(text.replace("How we agreed our curriculum", title.strip('"')))
    assert [p.field for p in problems] == ["sources[1].title"]
    assert problems[0].message.startswith("has a note in brackets, ")
    assert "put a missing date as 'date: undated' and a copy's site as 'via:'" in problems[0].message


@pytest.mark.parametrize(
    "lines",
    [
        ("publisher: harbour-academy-trust", "date: undated", "url: https://www.example.org/a"),
        ("publisher: harbour-academy-trust", "date: 2019", "url: https://docslib.org/doc/1", "via: docslib.org"),
        ("publisher: harbour-academy-trust", "date: 2019", 'offline: "Slides shown at a conference"'),
    ],
)
def test_an_original_a_declared_copy_and_an_offline_source_pass(lines: tuple[str, ...], check_text: CheckText) -> None:
    assert check_text(valid_case(sources=_sources(*lines))) == []


def test_a_title_in_brackets_that_is_part_of_the_title_passes(check_text: CheckText) -> None:
    sources = _sources("publisher: harbour-academy-trust", "date: 2025", "url: https://example.org/")
    text = valid_case(sources=sources).replace("How we agreed our curriculum", "Reading (and writing) for all")
    assert check_text(text) == []


# --- evidence labels ------------------------------------------------------------------------


def _labelled(evidence: str, publisher: str, url: str, kind: str = "practice", trust: str | None = None) -> str:
    fields = {
        "evidence": f"evidence: {evidence}",
        "sources": _sources(f"publisher: {publisher}", "date: 2025", f"url: {url}"),
        "kind": f"kind: {kind}",
    }
    if trust is not None:
        fields["trust"] = trust
    return valid_case(**fields)


@pytest.mark.parametrize(
    ("evidence", "publisher", "url", "expected"),
    [
        (
            "inspection",
            "harbour-academy-trust",
            "https://example.org/a",
            "is 'inspection', which needs a source whose publisher's kind is inspectorate; this case's sources are published "
            "by Harbour Academy Trust (trust): cite such a source, or choose a label they support: 'own-account' "
            "(see the evidence labels on the contributing page)",
        ),
        (
            "own-account",
            "schools-week",
            "https://schoolsweek.co.uk/a",
            "is 'own-account', which needs a source whose publisher's kind is trust or network; this case's sources are "
            "published by Schools Week (press): cite such a source, or choose a label they support: 'reported' "
            "(see the evidence labels on the contributing page)",
        ),
        (
            "survey",
            "ofsted",
            "https://www.gov.uk/a",
            "is 'survey', which needs a source whose publisher's kind is research, membership-body, government or "
            "consultancy; this case's sources are published by Ofsted (inspectorate): cite such a source, or "
            "choose a label they support: 'inspection' or 'research' (see the evidence labels on the "
            "contributing page)",
        ),
        (
            "peer-review",
            "tes",
            "https://www.tes.com/a",
            "is 'peer-review', which needs a source whose publisher's kind is network, membership-body or research; "
            "this case's sources are published by Tes (press): cite such a source, or choose a label they support: "
            "'reported' (see the evidence labels on the contributing page)",
        ),
        (
            "research",
            "cjk-associates",
            "https://www.cjkassociates.co/a",
            "is 'research', which needs a source whose publisher's kind is research, government, parliament, "
            "inspectorate or membership-body; this case's sources are published by CJK Associates (consultancy): cite such a source, "
            "or choose a label they support: 'reported' or 'survey' (see the evidence labels on the "
            "contributing page)",
        ),
    ],
)
def test_a_label_the_sources_do_not_support_is_refused(
    evidence: str, publisher: str, url: str, expected: str, check_text: CheckText
) -> None:
    assert _messages(check_text, **_fields(evidence, publisher, url)) == [f"10: evidence: {expected}"]


def _fields(evidence: str, publisher: str, url: str) -> dict[str, str]:
    return {
        "evidence": f"evidence: {evidence}",
        "sources": _sources(f"publisher: {publisher}", "date: 2025", f"url: {url}"),
    }


def test_own_account_comes_from_the_trust_the_case_is_about(check_text: CheckText) -> None:
    # A trust's page is its own account only for a case about that trust.
    assert _messages(check_text, **_fields("own-account", "ogat", "https://www.outwood.com/a")) == [
        "10: evidence: is 'own-account', but no source is published by Harbour Academy Trust, the trust this case "
        "is about (its sources are published by Outwood Grange Academies Trust (trust)): cite the trust's own page, "
        "or choose the label that says who told the story; if a publisher listed is this trust, give 'trust.name' "
        "as its name, or list this name under its 'formerly' in framework/publishers.yaml if it was renamed"
    ]
    # A network's page about a member trust's practice is still the trust's side telling it.
    assert _messages(check_text, **_fields("own-account", "challenge-partners", "https://challengepartners.org/")) == []


def test_a_network_case_s_own_account_may_come_from_its_membership_body(check_text: CheckText) -> None:
    text = _labelled("own-account", "cst", "https://cstuk.org.uk/a", kind="network", trust="")
    assert check_text(text.replace("spectrum: alignment\n", "")) == []
    text = _labelled("own-account", "harbour-academy-trust", "https://example.org/a", kind="network", trust="")
    assert [p.message.split(";")[0] for p in check_text(text.replace("spectrum: alignment\n", ""))] == [
        "is 'own-account', which needs a source whose publisher's kind is network or membership-body"
    ]


@pytest.mark.parametrize(
    ("evidence", "publisher", "url"),
    [
        ("reported", "schools-week", "https://schoolsweek.co.uk/a"),
        ("reported", "forum-strategy", "https://forumstrategy.org/a"),
        ("inspection", "ofsted", "https://www.gov.uk/a"),
        ("research", "commons-education-committee", "https://publications.parliament.uk/a"),
        ("survey", "nfer", "https://www.nfer.ac.uk/a"),
        ("peer-review", "challenge-partners", "https://www.challengepartners.org/a"),
        ("evaluation", "epi", "https://epi.org.uk/a"),
    ],
)
def test_a_label_its_sources_support_passes(evidence: str, publisher: str, url: str, check_text: CheckText) -> None:
    assert check_text(valid_case(**_fields(evidence, publisher, url))) == []


def test_every_label_says_which_publishers_carry_it() -> None:
    assert set(schema.EVIDENCE_PUBLISHERS) == set(schema.EVIDENCE.ids)
    order = schema.EVIDENCE.ids
    assert order.index("reported") == order.index("own-account") + 1
    assert schema.EVIDENCE.term("reported").name == "Reported account"
    for kinds in (*schema.EVIDENCE_PUBLISHERS.values(), *schema.OWN_ACCOUNT_PUBLISHERS.values()):
        assert set(kinds) <= set(schema.PUBLISHER_KINDS.ids)
    # An account of a trust by someone else is never the trust's own account.
    assert not {"consultancy", "press"} & set(schema.OWN_ACCOUNT_PUBLISHERS["practice"])


# --- ids and tags ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ident", "fragment", "names"),
    [
        ("aligned-catrust-policy", "align", "the spectrum position 'alignment'"),
        ("gateway-standardised-policies", "standardis", "the spectrum position 'standardisation'"),
        ("swa-local-autonomy", "autonom", "the spectrum position 'autonomy'"),
        ("rollout-ogat-model", "rollout", "the approach 'roll-out'"),
        ("step-co-design-symposia", "codesign", "the approach 'co-design'"),
        ("canonium-organic-sharing", "organic", "the approach 'organic'"),
        ("dixons-own-account-model", "ownaccount", "the evidence label 'own-account'"),
        ("evidence-cst-edurio-2024", "evidence", "the evidence field"),
    ],
)
def test_an_id_that_names_a_tag_is_refused(ident: str, fragment: str, names: str, check_text: CheckText) -> None:
    problems = check_text(valid_case(ident), name=ident)
    assert [str(p) for p in problems] == [
        f"cases/{ident}.md:2: id: {ident!r} contains {fragment!r}, which names {names}; an id says who and what, "
        "such as 'ogat-80-20-core', because tags can change but addresses cannot: choose an id without it (for a "
        "published case, rename the file and id, and list the old id under 'aliases:')"
    ]


def test_a_label_that_can_also_be_a_subject_is_refused_only_as_the_first_word(check_text: CheckText) -> None:
    assert [
        p.message.split(";")[0] for p in check_text(valid_case("survey-of-trust-staff"), "survey-of-trust-staff")
    ] == ["'survey-of-trust-staff' starts with 'survey', which names the evidence label 'survey'"]
    assert check_text(valid_case("cst-edurio-staff-survey-2024"), "cst-edurio-staff-survey-2024") == []
    assert check_text(valid_case("challenge-partners-peer-review"), "challenge-partners-peer-review") == []


def test_an_alias_may_keep_an_old_id_that_names_a_tag(check_text: CheckText) -> None:
    assert check_text(valid_case(tags="tags: [a]\naliases: [codesign-old-id]")) == []


def test_more_than_five_element_tags_are_refused(check_text: CheckText) -> None:
    six = "elements: [1A, 1B, 1C, 2A, 2B, 3A]"
    assert _messages(check_text, elements=six) == [
        "7: elements: lists 6 items; the most allowed is 5: keep the 5 the source supports most directly"
    ]
    assert check_text(valid_case(elements="elements: [1A, 1B, 1C.ii, 2A, 2B]")) == []


def _write(folder: Path, ident: str, text: str) -> Path:
    path = folder / f"{ident}.md"
    path.write_text(text, encoding="utf-8")
    return path


# --- what the reader sees -------------------------------------------------------------------


@pytest.fixture(scope="module")
def mini() -> Atlas:
    from atlas.validate import load_atlas

    loaded = load_atlas(ROOT / "tests" / "fixtures" / "mini")
    assert loaded.atlas is not None, loaded.problems
    return loaded.atlas


def _case(atlas: Atlas, ident: str) -> Case:
    return next(c for c in atlas.cases if c.id == ident)


def test_the_case_page_says_what_the_evidence_is_label_first(mini: Atlas) -> None:
    assert evidence_line(_case(mini, "delta-standard")) == (
        "Inspection: an inspectorate's report, from The Inspectorate (inspectorate)"
    )
    page = case_page(_case(mini, "delta-standard"), mini.framework, (), Options())
    assert "<strong>Evidence:</strong> Inspection: an inspectorate&#39;s report, from The Inspectorate" in page
    assert '<a href="../../sources/#the-inspectorate">The Inspectorate</a> (inspectorate), undated.' in page
    assert "Copy on docslib.org." in page
    beta = case_page(_case(mini, "beta-finding"), mini.framework, (), Options())
    assert "(research), 2018. Not online: Printed report.</li>" in beta


def test_the_sources_page_lists_each_publisher_its_kind_and_the_cases_citing_it(mini: Atlas) -> None:
    page = render_site(mini)["sources.md"]
    assert "## Inspectorate {#kind-inspectorate}" in page
    assert "### The Inspectorate {#the-inspectorate}" in page
    assert 'Cited by 1 case: <a href="../cases/delta-standard/">Delta standard</a>.</p>' in page
    # Only publishers some live case cites are listed.
    withdrawn = dataclasses.replace(mini, cases=tuple(c for c in mini.cases if c.id != "delta-standard"))
    assert "the-inspectorate" not in render_site(withdrawn)["sources.md"]


def test_the_open_data_carries_each_source_s_publisher_and_copy(mini: Atlas) -> None:
    files = render_site(mini)
    record = next(c for c in json.loads(files["api/cases.json"])["cases"] if c["id"] == "delta-standard")
    assert record["sources"] == [
        {
            "title": "Report",
            "author": None,
            "publisher": {"id": "the-inspectorate", "name": "The Inspectorate", "kind": "inspectorate"},
            "voice": None,
            "date": "undated",
            "url": "https://docslib.org/doc/1/report",
            "via": "docslib.org",
            "offline": None,
        }
    ]
    row = next(
        r for r in csv.DictReader(io.StringIO(files["api/cases.csv"].lstrip("\ufeff"))) if r["id"] == "delta-standard"
    )
    assert (row["source_publishers"], row["source_publisher_kinds"], row["source_vias"]) == (
        "the-inspectorate",
        "inspectorate",
        "docslib.org",
    )
    source_schema = json.loads(files["api/cases.schema.json"])["properties"]["cases"]["items"]["properties"]["sources"]
    assert source_schema["items"]["properties"]["publisher"]["required"] == ["id", "name", "kind"]
    assert build_index(mini).cases


def test_a_renamed_trust_s_former_name_still_makes_its_own_account(tmp_path: Path, framework: Framework) -> None:
    renamed = Publisher("harbour-academy-trust", "Example Learning Trust", "trust", ("example.org",))
    others = tuple(p for p in framework.publishers if p.id != renamed.id)
    (tmp_path / "cases").mkdir()
    path = _write(tmp_path / "cases", "example-case", valid_case())
    before = dataclasses.replace(framework, publishers=(*others, renamed))
    assert [p.field for p in load_cases([path], tmp_path, before).problems] == ["evidence"]
    after = dataclasses.replace(
        before, publishers=(*others, dataclasses.replace(renamed, formerly=("Harbour Academy Trust",)))
    )
    assert load_cases([path], tmp_path, after).problems == []


def test_a_former_name_belongs_to_one_publisher(tmp_path: Path) -> None:
    path = tmp_path / "publishers.yaml"
    path.write_text(
        "publishers:\n"
        "  - id: a-trust\n    name: A Trust\n    kind: trust\n    domains: []\n"
        "  - id: b-trust\n    name: B Trust\n    kind: trust\n    formerly: [a trust]\n    domains: []\n",
        encoding="utf-8",
    )
    assert [str(p) for p in load_publishers(path, tmp_path)[1]] == [
        "publishers.yaml:9: publishers, item 2, formerly, item 1: 'a trust' is already given to 'a-trust' (line 3); each "
        "publisher is listed once, with one name: merge them"
    ]


def test_a_trust_s_own_words_published_by_a_newspaper_are_its_own_account(check_text: CheckText) -> None:
    tes = ("publisher: tes", "date: 2024", "url: https://www.tes.com/a")
    assert [p.field for p in check_text(valid_case(sources=_sources(*tes)))] == ["evidence"]
    assert check_text(valid_case(sources=_sources(*tes, "voice: harbour-academy-trust"))) == []
    # A voice speaks only for an own account: a newspaper's story is not research because a trust wrote it.
    research = valid_case(evidence="evidence: research", sources=_sources(*tes, "voice: harbour-academy-trust"))
    assert [p.field for p in check_text(research)] == ["evidence"]


@pytest.mark.parametrize(
    ("voice", "expected"),
    [
        ("tes", "21: sources[1].voice: is the publisher, 'tes', itself; remove 'voice'"),
        (
            "nfer",
            "21: sources[1].voice: is National Foundation for Educational Research, of kind research; 'voice' names "
            "the trust or network whose own words the text is (kind trust, network or membership-body), and only then",
        ),
    ],
)
def test_a_voice_names_a_trust_or_network_other_than_the_publisher(
    voice: str, expected: str, check_text: CheckText
) -> None:
    sources = _sources("publisher: tes", "date: 2024", "url: https://www.tes.com/a", f"voice: {voice}")
    messages = _messages(check_text, sources=sources)
    assert messages[0] == expected


def test_the_page_and_the_data_say_whose_words_a_source_is(tmp_path: Path, framework: Framework) -> None:
    (tmp_path / "cases").mkdir()
    sources = _sources("publisher: tes", "date: 2024", "url: https://www.tes.com/a", "voice: harbour-academy-trust")
    path = _write(tmp_path / "cases", "example-case", valid_case(sources=sources))
    found = load_cases([path], tmp_path, framework)
    case = found.cases[0]
    assert evidence_line(case) == (
        "Own account: the trust or network describes its own work, from Harbour Academy Trust (trust)"
    )
    page = case_page(case, framework, (), Options())
    assert "(press), 2024. In the words of Harbour Academy Trust (trust).</li>" in page
    files = render_site(Atlas(framework, found.cases))
    record = json.loads(files["api/cases.json"])["cases"][0]
    assert record["sources"][0]["voice"] == {
        "id": "harbour-academy-trust",
        "name": "Harbour Academy Trust",
        "kind": "trust",
    }
    assert "### Harbour Academy Trust {#harbour-academy-trust}" in files["sources.md"]


def test_a_site_on_a_shared_host_is_a_domain_and_a_path() -> None:
    from atlas.model import on_site

    site = "sites.google.com/sussexlearningtrust.co.uk"
    assert on_site("https://sites.google.com/sussexlearningtrust.co.uk/joining/faqs", site)
    assert not on_site("https://sites.google.com/sussexlearningtrust.co.uk.evil/faqs", site)
    assert not on_site("https://sites.google.com/another-trust/faqs", site)
    assert on_site("https://www.nfer.ac.uk/a", "nfer.ac.uk") and not on_site(
        "https://nfer.ac.uk.example/a", "nfer.ac.uk"
    )
