"""Pathological real-world inputs: each is read or refused quickly, in bounded memory, clearly."""

from __future__ import annotations

import os
import time

import pytest

from policyspace.errors import InputError
from policyspace.importers import load_bytes, load_document


def test_a_100_mb_file_is_refused_before_it_is_read(tmp_path, run_cli):
    path = tmp_path / "dump.txt"
    with open(path, "wb") as handle:  # sparse: 100 MB on paper, nothing on disk
        handle.truncate(100_000_000)
    start = time.perf_counter()
    status, _, err = run_cli("show", str(path))
    assert status == 2
    assert "the file is 100 MB; policyspace reads documents up to 32 MB" in err
    assert time.perf_counter() - start < 1.0


def test_a_50000_article_document_parses(tmp_path):
    text = "".join(f"Article {i}: Title {i}\n1. Each Party shall do {i}.\n" for i in range(1, 50_001))
    treaty = load_bytes("big.treaty", text.encode())
    articles = treaty.articles()
    assert len(articles) == 50_000
    assert articles[-1].number == "50000" and articles[-1].span.start_line == 99_999


def test_deeply_nested_numbering_stays_bounded():
    # paragraph > subparagraph > item, repeated: structure depth is capped by rank, not input
    text = "Article 1\n" + "1. a\n(a) b\n(i) c\n(ii) d\n(b) e\n" * 5000
    treaty = load_bytes("nested.treaty", text.encode())
    depth = max(len(path) for path, _ in treaty.walk_with_path())
    assert depth == 3  # article > paragraph > subparagraph > item


def test_extremely_long_lines():
    line = "word " * 400_000  # 2 MB on one line
    treaty = load_bytes("long.txt", f"Article 1\n{line}\n(a) {line}\n".encode())
    assert len(treaty.articles()[0].text) == len(line.strip())


def test_nul_bytes_are_refused_as_binary():
    with pytest.raises(InputError, match="binary file"):
        load_bytes("x.treaty", b"Article 1\nEach Party\x00 shall\n")


def test_mixed_line_endings():
    treaty = load_bytes("mixed.txt", b"Article 1\r\nOne.\rArticle 2\nTwo.\r\n\r\nArticle 3\n\rThree.")
    assert [(a.number, a.text, a.span.start_line) for a in treaty.articles()] == [
        ("1", "One.", 1), ("2", "Two.", 3), ("3", "Three.", 6),
    ]


def test_right_to_left_and_zero_width_characters_are_kept_verbatim():
    text = "Article 1: \u0627\u0644\u0645\u0627\u062f\u0629\u200b\n1. \u202bنص\u202c \u200dzero\u200bwidth\n"
    treaty = load_bytes("rtl.treaty", text.encode())
    article = treaty.articles()[0]
    assert article.title == "\u0627\u0644\u0645\u0627\u062f\u0629\u200b"
    assert article.children[0].text == "\u202bنص\u202c \u200dzero\u200bwidth"


def test_xml_external_entities_are_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xml = (f'<?xml version="1.0"?><!DOCTYPE treaty [<!ENTITY x SYSTEM "file://{secret}">]>'
           "<treaty><meta><name>&x;</name></meta><body/></treaty>").encode()
    with pytest.raises(InputError, match="never expands") as info:
        load_bytes("xxe.xml", xml)
    assert "TOP SECRET" not in str(info.value)


def test_billion_laughs_is_refused_fast():
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    xml = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><treaty>&lol9;</treaty>'.encode()
    start = time.perf_counter()
    with pytest.raises(InputError, match="declares entities"):
        load_bytes("bomb.xml", xml)
    assert time.perf_counter() - start < 0.5


def test_symlink_loops_in_scanned_folders_are_not_followed_forever(tmp_path):
    from policyspace.discovery import iter_document_paths

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.treaty").write_text("Article 1\nText.\n")
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    os.symlink(tmp_path / "a", tmp_path / "a" / "self")
    found = iter_document_paths([str(tmp_path)])
    assert [os.path.basename(p) for p in found] == ["one.treaty"]


def test_a_file_that_cannot_be_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "locked.treaty"
    path.write_text("Article 1\n")

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(path), "read_bytes", denied)
    with pytest.raises(InputError, match="permission denied"):
        load_document(path)
