"""Input generators for fuzzing every input path (used by tests/fuzz and bench/fuzz_campaign.py).

Each generator turns a random source into bytes that resemble real input of one kind — the
annotated format, plain text, ToTA-style XML — with the markup-heavy mutations that break
parsers: stray annotations, headings mid-line, broken headers, odd encodings, NUL bytes,
unbalanced XML, entity declarations.
"""

from __future__ import annotations

import random

SEEDS_ANNOTATED = [
    "---\ntitle: Draft\nparties: ZMB, DEU\ntype: BIT\ndate: 2024-01-02\nlanguage: en\n---\n",
    "CHAPTER TEN: INVESTMENT\n",
    "Section A: Investment\n",
    "@tags isds, stabilization\n",
    "@note Check with the ministry.\n",
    "@suppress ISDS001: accepted in round 2\n",
    "Article 10.9: Performance Requirements\n",
    "1. No Party may impose or enforce any requirement:\n",
    "  (a) to export a given level or percentage of goods;\n",
    "  (i) to transfer technology;\n",
    "     (ii) whether or not listed;\n",
    "Each Party consents to the submission of a claim to arbitration under ICSID.\n",
    "// a comment\n",
    "\\@escaped line\n",
    "Article 29.\n",
    "Article [140 (A)]: Odd\n",
    "Article []\n",
    "Annex 10-A: Customary International Law\n",
    "Artículo 3: Trato Nacional\n",
]
NOISE = ["@", "@tags", "@suppress", ":", "---", "\n", "\n\n", "(", ")", "[", "]", "\\", "//", "Article",
         "ARTICLE 5", "(i)", "1.", "\t", " ", "\u00a0", "\u200b", "\u202e", "é", "“", "\x00", "\r", "\r\n",
         "<", ">", "&amp;", "isds", "ISDS001", "9999999999", "x" * 200]

SEED_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<treaty><meta><name>X - Y</name><type>Free Trade Agreement'
    "</type><date_signed>2001-02-03</date_signed><parties><partyisocode n=\"1\">CHL</partyisocode>"
    "<partyisocode n=\"2\">KOR</partyisocode></parties><language>en</language></meta><body>"
    '<chapter number="CHAPTER 1" name="Investment" chapter_identifier="1">'
    '<article number="ARTICLE 1.1" name="Scope" article_identifier="2">1. This Chapter applies.\n'
    "(a) investors;\n(b) investments &amp; returns.</article>"
    '<article number="ARTICLE 1.2" article_identifier="3">Each Party consents to arbitration.</article>'
    "</chapter></body></treaty>\n"
)
XML_NOISE = ["<", ">", "</article>", "<article>", "<chapter>", "&", "&amp;", "&#0;", "&#x110000;", "]]>",
             "<!DOCTYPE t [<!ENTITY a \"aaaa\">]>", "<!ENTITY x SYSTEM \"file:///etc/passwd\">", "&x;",
             '"', "\x00", "\u2028", "number=\"", "<?xml version=\"1.0\" encoding=\"latin-1\"?>"]


def _mutate(text: str, rng: random.Random, noise: list[str], rounds: int) -> str:
    chars = list(text)
    for _ in range(rounds):
        op = rng.random()
        pos = rng.randint(0, len(chars))
        if op < 0.4:
            chars[pos:pos] = list(rng.choice(noise))
        elif op < 0.6 and chars:
            del chars[pos : pos + rng.randint(1, 20)]
        elif op < 0.8 and chars:
            start = rng.randint(0, len(chars) - 1)
            chars[pos:pos] = chars[start : start + rng.randint(1, 80)]
        elif chars:
            chars[min(pos, len(chars) - 1)] = rng.choice("@:()[]\\/-\n \t.1aZ")
    return "".join(chars)


def _encode(text: str, rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.8:
        return text.encode("utf-8", "surrogatepass")
    if roll < 0.88:
        return text.encode("utf-16", "surrogatepass")
    if roll < 0.94:
        return text.encode("cp1252", "replace")
    data = bytearray(text.encode("utf-8", "surrogatepass"))
    for _ in range(rng.randint(1, 5)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def annotated_document(rng: random.Random) -> bytes:
    lines = rng.choices(SEEDS_ANNOTATED, k=rng.randint(0, 30))
    if rng.random() < 0.5:
        lines.insert(0, SEEDS_ANNOTATED[0])
    return _encode(_mutate("".join(lines), rng, NOISE, rng.randint(0, 12)), rng)


def plain_text(rng: random.Random) -> bytes:
    words = ["Article", "5", "10.9", "Party", "shall", "(a)", "1.", "CHAPTER", "TEN", "export", "duties",
             "\n", "\n", "\n", " ", "Annex", "I", "of", "the", "GATT", "1994", "—", ":", "."]
    text = " ".join(rng.choices(words, k=rng.randint(0, 400)))
    return _encode(_mutate(text, rng, NOISE, rng.randint(0, 8)), rng)


def tota_xml(rng: random.Random) -> bytes:
    return _encode(_mutate(SEED_XML, rng, XML_NOISE, rng.randint(0, 6)), rng)


TOML_NOISE = ["[[rules]]", "[family]", "[macros]", "=", '"', "'", "'" * 3, '"' * 3, "[", "]", "{", "}", "\n",
              "id = ", "severity = ", "pattern = ", "(", ")", "(?:", "\\", ".*", "(a+)+", "{x}", "{investor}",
              "not = ", "all = [", "any = [", "near = ", "words = 999999", "window = ", "true", "-1", "\x00", "é"]


def _rule_sources() -> list[str]:
    from .resources import rulesets_dir

    return [p.read_text(encoding="utf-8") for p in sorted(rulesets_dir().glob("*.toml"))]


def rule_file(rng: random.Random) -> bytes:
    """One real ruleset file, mutated: broken TOML, unknown fields, bad regexes, missing examples."""
    return _mutate(rng.choice(_rule_sources()), rng, TOML_NOISE, rng.randint(1, 6)).encode("utf-8", "surrogatepass")


CONFIG_SEEDS = [
    'select = ["isds", "EXP001"]\n', 'ignore = ["safeguard"]\n', 'fail-on = "medium"\n',
    'perspective = "ZMB"\n', 'extra-rulesets = ["rules"]\n', '[severity]\nISDS001 = "low"\n',
    "[tool.policyspace]\n",
]


def config_file(rng: random.Random) -> bytes:
    text = "".join(rng.choices(CONFIG_SEEDS, k=rng.randint(0, 6)))
    noise = TOML_NOISE + ["fail_on", "select", "ISDS", "HIGH", "xyz"]
    return _mutate(text, rng, noise, rng.randint(0, 5)).encode("utf-8", "surrogatepass")


GENERATORS = {"treaty": annotated_document, "txt": plain_text, "xml": tota_xml, "rules": rule_file,
              "config": config_file}


def runners() -> dict[str, object]:
    """For each input kind, a function that processes one input: 'read' or 'refused'."""
    from .errors import PolicyspaceError
    from .importers import load_bytes

    def document(kind: str):
        def run(data: bytes) -> str:
            try:
                load_bytes(f"fuzz.{kind}", data).model_dump_json()
                return "read"
            except PolicyspaceError:
                return "refused"

        return run

    import tempfile
    from pathlib import Path

    from .treaty_parser import parse_treaty

    workdir = Path(tempfile.mkdtemp(prefix="policyspace-fuzz-"))
    sample = parse_treaty(
        "Article 1\n1. Each Party consents to the submission of a claim to arbitration under ICSID.\n"
        "2. No Party may impose any duty, tax or other charge on the export of any good.\n"
    )

    def rules(data: bytes) -> str:
        from .rules import check_treaty
        from .rules.loader import build_ruleset

        folder = workdir / "rules"
        folder.mkdir(exist_ok=True)
        (folder / "fuzzed.toml").write_bytes(data)
        try:
            ruleset = build_ruleset([folder])
        except PolicyspaceError:
            return "refused"
        check_treaty(sample, ruleset)  # a rule file that loads must also compile and run
        return "read"

    def config(data: bytes) -> str:
        from .config import read_config

        path = workdir / "policyspace.toml"
        path.write_bytes(data)
        try:
            read_config(path)
            return "read"
        except PolicyspaceError:
            return "refused"

    runs = {kind: document(kind) for kind in ("treaty", "txt", "xml")}
    runs.update(rules=rules, config=config)
    return runs
