"""The protocol's pages name entry kinds as the court protocol does (web/js/lib/terms.js)."""

from __future__ import annotations

import re
from pathlib import Path

from court.protocol import KIND_LABELS, EntryKind

TERMS_JS = Path(__file__).resolve().parents[2] / "web" / "js" / "lib" / "terms.js"


def test_every_entry_kind_has_the_protocols_label_on_the_pages() -> None:
    source = TERMS_JS.read_text(encoding="utf-8")
    match = re.search(r"export const KIND_LABELS = Object\.freeze\(\{(.*?)\}\);", source, re.S)
    assert match is not None, f"KIND_LABELS is not declared in {TERMS_JS.name}"
    labels = dict(re.findall(r'^\s*([a-z_]+): "([^"]*)",?$', match.group(1), re.M))
    assert labels == {kind.value: KIND_LABELS[kind] for kind in EntryKind}
