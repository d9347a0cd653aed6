"""Citations in comments and docstrings point somewhere a reader can go: a document in this repository (a path
from the repository root, such as docs/formats.md with its section) or an upstream project followed by the
path inside it (distribution/distribution docs/spec/auth/token.md). Read from the source with tokenize and ast;
nothing is imported. A failure lists file:line and the offending citation, so whoever merges new code can fix
each one (docs/DESIGN.md lists the documents)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "cli", "gui", "tests")
# Documents whose numbered pitfalls code may cite, as in "docs/formats.md pitfall 3".
PITFALL_DOCS = ("docs/formats.md", "docs/registry-protocol.md")

# A .md name not glued to a longer path or URL (the look-behind keeps `https://host/x.md` out).
_MD = re.compile(r"(?<![\w./-])([\w.-]+(?:/[\w.{},-]+)*\.md)\b")
_SECTION = re.compile(r"(docs/[\w.-]+\.md)\s*§\s*(\d+(?:\.\d+)*)")
_PITFALL = re.compile(r"\bpitfalls?\s+#?(\d+)", re.IGNORECASE)
_PROJECT = re.compile(r"[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*")
_FILE_EXT = re.compile(r"\.(md|py|go|json|ya?ml|txt|sh|toml|c|h|rs|js|ts|html)$")
_HEADING = re.compile(r"^#+\s+(\d+(?:\.\d+)*)\.?\s", re.MULTILINE)
_LIST_ITEM = re.compile(r"^(\d+)\.\s", re.MULTILINE)


def _sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if ".venv" not in p.parts)


def _blocks(source: str) -> list[tuple[int, str]]:
    """(first line, text) of every comment run (consecutive comment lines join) and every docstring."""
    out: list[tuple[int, str]] = []
    run: list[str] = []
    start = last = 0
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type != tokenize.COMMENT:
            continue
        line = tok.start[0]
        if run and line == last + 1:
            run.append(tok.string.lstrip("#").strip())
        else:
            if run:
                out.append((start, "\n".join(run)))
            run, start = [tok.string.lstrip("#").strip()], line
        last = line
    if run:
        out.append((start, "\n".join(run)))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                out.append((first.value.lineno, first.value.value))
    return out


def _is_project(token: str) -> bool:
    return bool(_PROJECT.fullmatch(token)) and not _FILE_EXT.search(token) and not (ROOT / token).exists()


def _names_project(before: str) -> bool:
    """Whether the text just before a cited path names an upstream project: `owner/name PATH`, also through a
    list of paths (`containers/skopeo cmd/skopeo/sync.go and docs/skopeo-sync.1.md`)."""
    for raw in reversed(before.split()[-8:]):
        token = raw.strip("`'\"()[],;:").removesuffix("'s")
        if token in ("and", "or", "&", "") or token.startswith("§"):
            continue
        if _is_project(token):
            return True
        if "/" in token or _FILE_EXT.search(token):  # another path of the same project
            continue
        return False
    return False


def _doc_numbers(doc: str) -> tuple[set[str], set[str]]:
    """(section numbers, pitfall numbers) of a document in the repository."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    sections = set(_HEADING.findall(text))
    pitfalls: set[str] = set()
    head = re.search(r"^#+\s+\d*\.?\s*Pitfalls.*$", text, re.MULTILINE | re.IGNORECASE)
    if head:
        rest = text[head.end():]
        nxt = re.search(r"^#{1,2}\s", rest, re.MULTILINE)
        pitfalls = set(_LIST_ITEM.findall(rest[: nxt.start()] if nxt else rest))
    return sections, pitfalls


def problems_in(text: str) -> list[tuple[int, str]]:
    """(line offset within `text`, what is wrong) for each bad citation in one comment or docstring."""
    found: list[tuple[int, str]] = []

    def at(pos: int) -> int:
        return text.count("\n", 0, pos)

    for m in _MD.finditer(text):
        path = m.group(1)
        if "{" not in path and (ROOT / path).is_file():
            continue
        if _names_project(text[: m.start()]):
            continue
        found.append((at(m.start()), f"{path!r} is not a file of this repository: cite it from the repository root "
                      "(docs/NAME.md and a section) or name the upstream project before its path "
                      "(e.g. 'distribution/distribution docs/spec/auth/token.md')"))
    for m in _SECTION.finditer(text):
        doc, number = m.group(1), m.group(2)
        if (ROOT / doc).is_file() and number not in _doc_numbers(doc)[0]:
            found.append((at(m.start()), f"{doc} has no section {number}"))
    for m in _PITFALL.finditer(text):
        window = text[max(0, m.start() - 120): m.start()]
        docs = [d for d in PITFALL_DOCS if d in window]
        if not docs:
            found.append((at(m.start()), f"{m.group(0)!r} without its document: write 'docs/formats.md "
                          f"{m.group(0).lower()}' (or docs/registry-protocol.md for a registry pitfall)"))
            continue
        doc = max(docs, key=window.rfind)  # the nearest document named before it
        if (ROOT / doc).is_file() and m.group(1) not in _doc_numbers(doc)[1]:
            found.append((at(m.start()), f"{doc} has no pitfall {m.group(1)}"))
    return found


def test_every_citation_points_at_a_document_a_reader_can_find() -> None:
    sources = _sources()
    assert any(p.name == "contract.py" for p in sources)
    bad: list[tuple[str, int, str]] = []
    for path in sources:
        for first, text in _blocks(path.read_text(encoding="utf-8")):
            bad += [(str(path.relative_to(ROOT)), first + offset, what) for offset, what in problems_in(text)]
    assert not bad, "comments or docstrings cite documents a reader cannot find:\n" + "\n".join(
        f"{path}:{line}: {what}" for path, line, what in sorted(bad))


def test_the_checker_tells_good_citations_from_bad_ones() -> None:
    good = [
        "docs/formats.md §1.2",
        "see docs/formats.md pitfall 8",
        "(docs/registry-protocol.md §2.4)",
        "distribution/distribution docs/spec/auth/token.md",
        "containers/skopeo cmd/skopeo/sync.go and\ndocs/skopeo-sync.1.md",
        "opencontainers/image-spec image-layout.md",
        "containers/image's docs/containers-transports.5.md",
        "docs/adding-a-transport.md",
        "https://github.com/distribution/distribution/blob/main/docs/spec/auth/token.md",
    ]
    bad = [
        "formats.md §1.2",  # not at the repository root
        "spec/registry.md 2.7",
        "DESIGN.md \"Names\"",
        "token.md: when the server omits expires_in",  # bare upstream name
        "(scope.md)",
        "not every token server implements POST (oauth.md)",
        "a tag, not a name (pitfall 3)",
        "docs/formats.md pitfall 99",  # no such pitfall
        "docs/formats.md §9.9",  # no such section
        "docs/nonexistent.md",
        "engine/copy.py formats.md",  # a repository path is not a project
    ]
    for text in good:
        assert problems_in(text) == [], text
    for text in bad:
        assert problems_in(text), text


def test_the_cited_documents_number_their_pitfalls_and_sections() -> None:
    sections, pitfalls = _doc_numbers("docs/formats.md")
    assert {"1.1", "1.2", "1.3", "2.6", "3", "5"} <= sections
    assert pitfalls == {str(n) for n in range(1, 25)}
    sections, pitfalls = _doc_numbers("docs/registry-protocol.md")
    assert {"1.5", "2.1", "2.4", "2.10"} <= sections and "3" in pitfalls


_LINK = re.compile(r"\]\(([^)\s]+)\)")
_ANCHOR = re.compile(r"<a id=\"([\w-]+)\"")


def _anchors(text: str) -> set[str]:
    """Explicit `<a id>` anchors plus the ones GitHub derives from headings."""
    slugs = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
             for h in re.findall(r"^#+\s+(.+)$", text, re.MULTILINE)}
    return slugs | set(_ANCHOR.findall(text))


def test_links_in_the_readme_and_docs_resolve() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert {"DESIGN.md", "formats.md", "registry-protocol.md", "gui-notes.md"} <= {p.name for p in pages}
    bad: list[str] = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for lineno, line in enumerate(text.splitlines(), 1):
            for target in _LINK.findall(line):
                if re.match(r"[a-z]+:", target):
                    continue  # a URL
                path, _, anchor = target.partition("#")
                file = (page.parent / path).resolve() if path else page
                if not file.is_file():
                    bad.append(f"{page.relative_to(ROOT)}:{lineno}: {target} does not exist")
                elif anchor and file.suffix == ".md" and anchor not in _anchors(file.read_text(encoding="utf-8")):
                    bad.append(f"{page.relative_to(ROOT)}:{lineno}: {target} has no anchor #{anchor}")
    assert not bad, "links that go nowhere:\n" + "\n".join(bad)
