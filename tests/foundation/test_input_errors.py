"""Bad input: a clear message with file:line:col, the line and a caret, and exit status 2."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest


def _write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return str(path)


@pytest.mark.parametrize(
    "content, position, message, caret_line",
    [
        ("Article 1\n@suppress ISDS001\n", "2:18", "a suppression needs a reason", "@suppress ISDS001"),
        ("Article 1\n@suppress ISDS001:\n", "2:19", "a suppression needs a reason", "@suppress ISDS001:"),
        ("Article 1\n@tags isds, investor\n", "2:13", "expected a provision family (isds, stabilization", "@tags isds, investor"),
        ("Article 1\n@foo bar\n", "2:1", "unknown annotation '@foo'", "@foo bar"),
        ("---\ntitle: X\n", "2:9", "the '---' line that closes the header", "title: X"),
        ("---\nparties: ZMB, Zambia\n---\n", "2:10", "party 'ZAMBIA' is not an ISO 3166-1 alpha-3 code", "parties: ZMB, Zambia"),
        ("---\ndate: 15 March 2024\n---\n", "2:7", "is not in the form YYYY-MM-DD", "date: 15 March 2024"),
        ("---\ntype: treaty\n---\n", "2:7", "unknown treaty type 'treaty'", "type: treaty"),
        ("---\nlanguage: English\n---\n", "2:11", "is not an ISO 639 code", "language: English"),
    ],
)
def test_format_errors_show_position_line_and_caret(tmp_path, run_cli, content, position, message, caret_line):
    path = _write(tmp_path, "draft.treaty", content)
    status, out, err = run_cli("show", path)
    assert status == 2
    first, shown, caret = err.splitlines()[:3]
    assert first.startswith(f"{path}:{position}: error: ")
    assert message in first
    assert shown.strip() == caret_line
    column = int(position.split(":")[1])
    assert caret.index("^") - 4 == column - 1  # the caret sits under the offending column
    assert "Traceback" not in err and out == ""


def test_error_messages_use_words_not_grammar_terminal_names(tmp_path, run_cli):
    path = _write(tmp_path, "draft.treaty", "Article 1\n@tags\n")
    status, _, err = run_cli("show", path)
    assert status == 2
    assert "FAMILY" not in err and "_NL" not in err and "provision family" in err


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.treaty", b"", "the file is empty"),
        ("blank.txt", b"  \n\n \t\n", "the file is empty"),
        ("scan.treaty", b"%PDF\x00\x01\x02\x03binary", "binary file"),
        ("notes.odt", b"whatever", "unsupported file type '.odt'"),
        ("broken.xml", b"<treaty><body><chapter><article>x</chapter></body></treaty>", "not well-formed XML at line 1"),
        ("bomb.xml", b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;">]><treaty>&b;</treaty>', "declares entities"),
        ("xxe.xml", b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><treaty>&x;</treaty>', "declares entities"),
        ("other.xml", b"<html><body>hello</body></html>", "not a ToTA treaty"),
        ("bad-bom.treaty", codecs.BOM_UTF8 + b"Article 1 \xff\xfe\xfd", "UTF-8 byte-order mark but byte"),
    ],
)
def test_unreadable_files_are_rejected_with_a_reason(tmp_path, run_cli, name, content, message):
    path = _write(tmp_path, name, content)
    status, out, err = run_cli("show", path)
    assert status == 2 and out == ""
    assert err.startswith(f"{path}: error: ")
    assert message in err
    assert "Traceback" not in err


def test_missing_file_and_folder_given_as_document(tmp_path, run_cli):
    status, _, err = run_cli("show", str(tmp_path / "nope.treaty"))
    assert (status, "no such file" in err) == (2, True)
    status, _, err = run_cli("show", str(tmp_path))
    assert (status, "this is a folder" in err) == (2, True)


def test_usage_errors_exit_2(run_cli):
    status, _, err = run_cli("show")
    assert status == 2 and "error" in err
    status, _, err = run_cli("frobnicate")
    assert status == 2 and "invalid choice" in err


@pytest.mark.parametrize(
    "encoding",
    ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"],
)
def test_common_encodings_are_decoded(tmp_path, run_cli, encoding):
    text = "Article 1: Café “Nationals”\n1. Each Party — as agreed.\n"
    path = _write(tmp_path, "draft.treaty", text.encode(encoding))
    from policyspace.importers import load_document

    treaty = load_document(path)
    article = treaty.articles()[0]
    assert article.title == "Café “Nationals”"
    assert article.children[0].text == "Each Party — as agreed."


def test_latin1_bytes_outside_cp1252_still_decode(tmp_path):
    from policyspace.importers import load_document

    path = _write(tmp_path, "old.txt", "Article 1: Côte d'Ivoire\n".encode("latin-1") + b"\x81 x\n")
    assert load_document(path).articles()[0].title == "Côte d'Ivoire"


def test_windows_and_old_mac_line_endings_count_as_one_line(tmp_path):
    from policyspace.importers import load_document

    path = _write(tmp_path, "mixed.txt", b"Article 1\r\nFirst.\rArticle 2\nSecond.\r\n")
    articles = load_document(path).articles()
    assert [(a.number, a.text, a.span.start_line) for a in articles] == [("1", "First.", 1), ("2", "Second.", 3)]
