"""policyspace show: the structure tree of a document."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "show",
        help="print the structure tree of a document",
        description="Print the structure of a document: parts, chapters, sections, articles and "
        "paragraphs, with their line numbers and annotations.",
    )
    p.add_argument("file", help="input document")
    p.add_argument("--depth", type=int, default=None, help="show only this many levels")
    p.add_argument("--text", action="store_true", help="show the first words of each unit's text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    from ..importers import load_document

    treaty = load_document(args.file)
    meta = treaty.meta
    title = escape(meta.title or args.file)
    facts = [x for x in (meta.type and meta.type.value, meta.date_signed and meta.date_signed.isoformat(),
                         ", ".join(meta.parties), meta.language) if x]
    root = Tree(f"[bold]{title}[/bold]" + (f"  [dim]{escape(' · '.join(facts))}[/dim]" if facts else ""))

    def add(node: Tree, unit, depth: int) -> None:  # type: ignore[no-untyped-def]
        label = f"[bold]{escape(unit.label)}[/bold]" if unit.kind.value not in ("paragraph", "subparagraph", "item") else escape(unit.label)
        if unit.title and unit.label != unit.title:
            label += f" {escape(unit.title)}"
        if unit.span:
            label += f"  [dim]line {unit.span.start_line}[/dim]"
        for annotation in unit.annotations:
            shown = ", ".join(annotation.families) or ", ".join(annotation.rule_ids)
            label += f"  [magenta]@{annotation.kind.value} {escape(shown or annotation.text[:40])}[/magenta]"
        if args.text and unit.text:
            words = " ".join(unit.text.split())
            label += f"  [dim]{escape(words[:70])}{'…' if len(words) > 70 else ''}[/dim]"
        branch = node.add(label)
        if args.depth is None or depth < args.depth:
            for child in unit.children:
                add(branch, child, depth + 1)

    for unit in treaty.units:
        add(root, unit, 1)
    Console(highlight=False).print(root)
    return 0
