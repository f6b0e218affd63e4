"""Is anything executable in the published files? Parsed, not grepped.

Every file under the publish dir is parsed the way a reader would: XML with
lxml (no DTD, no entities, no network), JSON with json, HTML with the
standard library's HTML5 tokenizer (which decodes character references,
named ones such as `&colon;` included, exactly once, as a browser does).
Then every place a reader may render HTML (RSS descriptions, Atom html
content, JSON content_html, the pages) and every text field a careless reader
might (titles, authors, summaries, category labels) is searched for an
executable construct: a script-like element, an event handler, a style
attribute, a `<meta http-equiv>` or `<base>`, and any URL whose scheme is not
http(s) or mailto once control characters and white space are dropped.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from lxml import etree

# Elements that run code, load active content, submit data or change how the page reads URLs.
BAD_TAGS = frozenset(
    {
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "param",
        "form",
        "input",
        "button",
        "textarea",
        "select",
        "isindex",
        "keygen",
        "style",
        "link",
        "meta",
        "base",
        "svg",
        "math",
        "noscript",
        "template",
        "portal",
        "xml",
        "import",
        "bgsound",
        "xss",
    }
)
URL_ATTRS = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "data",
        "poster",
        "background",
        "cite",
        "longdesc",
        "lowsrc",
        "dynsrc",
        "codebase",
        "xlink:href",
        "srcset",
        "ping",
        "manifest",
        "icon",
        "usemap",
        "xmlurl",
        "htmlurl",
        "url",
    }
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_STYLE_HAZARD = re.compile(
    r"expression|javascript|vbscript|behavior|binding|url\s*\(|@import", re.I
)


def dangerous_url(value: str) -> bool:
    """True when a browser would read `value` as a URL with a scheme other than http(s)/mailto."""
    squeezed = _CONTROL.sub("", value).lower()
    match = _SCHEME.match(squeezed)
    return match is not None and match.group(1) not in SAFE_SCHEMES


class _Scanner(HTMLParser):
    """Collects executable constructs; `page` allows the template's own head elements."""

    def __init__(self, where: str, *, page: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.where, self.page = where, page
        self.in_body = not page
        self.styles_in_head = 0
        self.problems: list[str] = []

    def _flag(self, what: str) -> None:
        self.problems.append(f"{self.where}: {what}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        local = tag.rpartition(":")[2]
        if tag == "body":
            self.in_body = True
        names = {name for name, _ in attrs}
        if local in BAD_TAGS and not self._allowed_in_head(local, attrs):
            self._flag(f"<{tag}> element")
        for name, raw in attrs:
            value = raw or ""
            if name.startswith("on"):
                self._flag(f"<{tag} {name}=…> event handler")
            elif name == "style" and (not self.page or _STYLE_HAZARD.search(value)):
                self._flag(f"<{tag} style={value[:60]!r}>")
            elif name in URL_ATTRS:
                urls = (
                    [u.strip().split(" ")[0] for u in value.split(",")]
                    if name == "srcset"
                    else [value]
                )
                for url in urls:
                    if dangerous_url(url):
                        self._flag(f"<{tag} {name}={value[:60]!r}> is not an http(s) URL")
            elif name == "http-equiv" or (name == "content" and "http-equiv" in names):
                self._flag(f"<{tag} {name}={value[:60]!r}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def _allowed_in_head(self, local: str, attrs: list[tuple[str, str | None]]) -> bool:
        if not self.page or self.in_body:
            return False
        found = dict(attrs)
        if local == "meta":
            return "http-equiv" not in found
        if local == "link":
            return found.get("rel") == "alternate"
        if local == "style":
            self.styles_in_head += 1
            return self.styles_in_head == 1
        return False

    def handle_comment(self, data: str) -> None:
        if "<" in data or "[if" in data.lower():
            self._flag(f"comment that may hold markup: {data[:60]!r}")

    def handle_pi(self, data: str) -> None:
        self._flag(f"processing instruction {data[:60]!r}")


def html_problems(markup: str, where: str, *, page: bool = False) -> list[str]:
    scanner = _Scanner(where, page=page)
    scanner.feed(markup)
    scanner.close()
    return scanner.problems


def text_problems(text: str, where: str) -> list[str]:
    """A text field read as HTML by a careless reader: still nothing executable."""
    if "<" not in text and ":" not in text:
        return []
    return html_problems(text, where)


def url_problems(value: str, where: str) -> list[str]:
    return [f"{where}: {value[:80]!r} is not an http(s) URL"] if dangerous_url(value) else []


# --- XML feeds and OPML ------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
XHTML = "{http://www.w3.org/1999/xhtml}"
HTML_ELEMENTS = {"description", "{http://purl.org/rss/1.0/modules/content/}encoded"}
URL_ELEMENTS = {"link", "comments", "docs", "url", f"{ATOM}uri", f"{ATOM}icon", f"{ATOM}logo"}


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_xml(path: Path) -> etree._ElementTree:
    return etree.parse(str(path), _safe_parser())


def xml_problems(path: Path, where: str) -> list[str]:
    tree = parse_xml(path)
    problems: list[str] = []
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        problems.append(f"{where}: has a DOCTYPE")
    for node in tree.getroot().iter():
        if not isinstance(node.tag, str):
            if isinstance(node, etree._Entity):
                problems.append(f"{where}: entity reference {node.text!r}")
            continue
        place = f"{where} <{etree.QName(node).localname}>"
        for name, raw in node.attrib.items():
            value = raw if isinstance(raw, str) else raw.decode()
            local = etree.QName(name).localname.lower()
            if local in URL_ATTRS:
                problems += url_problems(value, f"{place} @{local}")
            if local.startswith("on"):
                problems.append(f"{place}: attribute {local}")
            if local in ("text", "title", "description", "label", "term"):
                problems += text_problems(value, f"{place} @{local}")
        if node.tag.startswith(XHTML):
            problems += html_problems(etree.tostring(node, encoding="unicode"), place)
            continue
        text = node.text or ""
        kind = node.get("type", "")
        if node.tag in HTML_ELEMENTS or (node.tag.startswith(ATOM) and kind in ("html", "xhtml")):
            problems += html_problems(text, place)
        elif node.tag in URL_ELEMENTS or (
            node.tag == "guid" and node.get("isPermaLink", "true") == "true"
        ):
            problems += url_problems(text.strip(), place)
        else:
            problems += text_problems(text, place)
    return problems


# --- JSON Feed ---------------------------------------------------------------------

JSON_URL_KEYS = {"url", "external_url", "image", "banner_image", "icon", "favicon"}
JSON_URL_KEYS |= {"home_page_url", "feed_url", "next_url", "avatar"}


def json_problems(path: Path, where: str) -> list[str]:
    problems: list[str] = []

    def walk(value: Any, place: str, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{place}.{k}", k)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{place}[{i}]", key)
        elif isinstance(value, str):
            if key in ("content_html",):
                problems.extend(html_problems(value, place))
            elif key in JSON_URL_KEYS:
                problems.extend(url_problems(value, place))
            else:
                problems.extend(text_problems(value, place))

    walk(json.loads(path.read_text(encoding="utf-8")), where, "")
    return problems


# --- everything ----------------------------------------------------------------------


def published_problems(root: Path) -> list[str]:
    """Every executable construct, unparseable file or visible temporary file under `root`."""
    problems: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        where = str(path.relative_to(root))
        if path.name.startswith("."):
            continue  # a hidden temporary file: readers never ask for it
        try:
            if path.suffix in (".xml", ".atom"):
                problems += xml_problems(path, where)
            elif path.suffix == ".json":
                problems += json_problems(path, where)
            elif path.suffix == ".html":
                problems += html_problems(path.read_text(encoding="utf-8"), where, page=True)
            elif path.suffix != ".xsl":
                problems.append(f"{where}: unexpected file")
        except (etree.XMLSyntaxError, ValueError) as exc:
            problems.append(f"{where}: does not parse: {exc}")
    return problems


def published_text(root: Path) -> str:
    """All published bytes as text, for checking that a marker never appears."""
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in sorted(root.rglob("*")) if p.is_file()
    )
