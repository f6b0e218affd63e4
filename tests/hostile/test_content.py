"""Malicious content in feed items: nothing executable reaches any published file.

One feed per field (title, summary, content, author, category, link,
enclosure, media, guid, and the Atom equivalents), each item carrying one
payload from the usual XSS vectors and their encoded, mixed-case and
whitespace-split variants. After a cycle every published file (feeds/*.xml,
*.atom, *.json, index.html, c/*.html, opml.xml) is parsed and searched for
executable constructs (see published.py); every payload item must still be
published, so a check cannot pass by publishing nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape

import pytest

from .bench import BAD_PATH, GOOD, Bench, good_feed, item_xml, rss, run_cli

HTML_PAYLOADS = (
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<img src=`javascript:alert(1)`>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">a</a>',
    '<a href="JaVaScRiPt:alert(1)">a</a>',
    '<a href="&#106;avascript:alert(1)">a</a>',
    '<a href="&#x6A;&#x61;vascript:alert(1)">a</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)">a</a>',
    '<a href="java\tscript:alert(1)">a</a>',
    '<a href="java&#9;script:alert(1)">a</a>',
    '<a href="jav&#x0A;ascript:alert(1)">a</a>',
    '<a href=" \t javascript:alert(1)">a</a>',
    '<a href="javascript&colon;alert(1)">a</a>',
    '<a href="vbscript:msgbox(1)">a</a>',
    '<a href="VBScript:msgbox(1)">a</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">a</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<iframe src="https://evil.example/"></iframe>',
    '<IFRAME SRC="javascript:alert(1)"></IFRAME>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<applet code="X.class"></applet>',
    '<form action="https://evil.example/"><input name="p"><button formaction="javascript:alert(1)">x</button></form>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="width:expression(alert(1))">x</p>',
    '<div style="background:url(&quot;javascript:alert(1)&quot;)">x</div>',
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<META HTTP-EQUIV="refresh" CONTENT="0; URL=https://evil.example/">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)//<</script>/script>",
    '<img """><script>alert(1)</script>">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "<template><script>alert(1)</script></template>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<isindex action="javascript:alert(1)" type="image">',
    '<xss style="behavior:url(x.htc)">x</xss>',
    '<a href="https://ok.example/" onclick="alert(1)" onmouseover=alert(1)>ok</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "&lt;img src=x onerror=alert(1)&gt;",
    '&lt;a href="javascript:alert(1)"&gt;a&lt;/a&gt;',
)
URL_PAYLOADS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",  # an XML character reference: the feed means "javascript:"
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "file:///etc/passwd",
    "jar:https://evil.example/x.jar!/",
)


def _cdata(markup: str) -> str:
    return "<![CDATA[" + markup.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _xml_text(value: str) -> str:
    """As XML text: escaped, except URL payloads that are XML character references on purpose."""
    return value if value.startswith("&#") else escape(value, quote=True)


def _item(n: int, **fields: str) -> str:
    title = fields.pop("title", f"Bài độc số {n}")
    link = fields.pop("link", f"https://doc.example.vn/bai-{n}.html")
    description = fields.pop("description", f"Tóm tắt bài số {n}")
    return item_xml(
        title,
        link,
        guid=fields.pop("guid", f"doc-{n}"),
        description=description,
        extra=fields.pop("extra", ""),
    )


def rss_field(field: str) -> tuple[str, int]:
    """A feed with one payload per item in `field`; returns it and its item count."""
    items: list[str] = []
    payloads = (
        URL_PAYLOADS
        if field in ("link", "enclosure", "media", "thumbnail", "guid", "comments")
        else HTML_PAYLOADS
    )
    for n, payload in enumerate(payloads):
        text, url = _xml_text(payload), _xml_text(payload)
        match field:
            case "title":
                items.append(_item(n, title=f"Tiêu đề {n} {text}"))
            case "summary":
                items.append(_item(n, description=text))
            case "summary-cdata":
                items.append(_item(n, description=_cdata(payload)))
            case "content":
                items.append(
                    _item(n, extra=f"<content:encoded>{_cdata(payload)}</content:encoded>")
                )
            case "author":
                items.append(
                    _item(
                        n, extra=f"<dc:creator>{text}</dc:creator><author>a@b.vn ({text})</author>"
                    )
                )
            case "category":
                items.append(
                    _item(n, extra=f"<category>{text}</category><category>Kinh tế</category>")
                )
            case "link":
                items.append(_item(n, link=url))
            case "guid":
                permalink = _item(n, guid=url)
                items.append(permalink.replace('isPermaLink="false"', 'isPermaLink="true"'))
            case "comments":
                items.append(_item(n, extra=f"<comments>{url}</comments>"))
            case "enclosure":
                items.append(
                    _item(n, extra=f'<enclosure url="{url}" type="image/jpeg" length="1234"/>')
                )
            case "media":
                items.append(
                    _item(n, extra=f'<media:content url="{url}" medium="image" type="image/png"/>')
                )
            case "thumbnail":
                items.append(_item(n, extra=f'<media:thumbnail url="{url}"/>'))
    return rss(items, title=f"Báo độc ({field})"), len(payloads)


def atom_field(field: str) -> tuple[str, int]:
    entries = []
    payloads = URL_PAYLOADS if field == "atom-link" else HTML_PAYLOADS
    for n, payload in enumerate(payloads):
        text = _xml_text(payload)
        title = f'<title type="text">Bài Atom số {n}</title>'
        link = f'<link rel="alternate" href="https://atom.example.vn/{n}.html"/>'
        body = "<summary>Tóm tắt</summary>"
        extra = ""
        match field:
            case "atom-title-html":
                title = f'<title type="html">Tiêu đề {n} {text}</title>'
            case "atom-content-html":
                body = f'<content type="html">{text}</content>'
            case "atom-content-xhtml":
                body = f'<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">{_xhtml(payload)}</div></content>'
            case "atom-author":
                extra = f"<author><name>{text}</name><uri>javascript:alert(1)</uri></author>"
            case "atom-category":
                extra = f'<category term="{text}" label="{text}"/>'
            case "atom-link":
                link = f'<link rel="alternate" href="{text}"/><link rel="enclosure" href="{text}" type="image/png" length="10"/>'
        entries.append(
            f"<entry>{title}<id>urn:doc:{field}:{n}</id>{link}"
            f"<updated>2024-04-05T0{n % 9}:00:00+07:00</updated>{body}{extra}</entry>\n"
        )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Atom độc</title><id>urn:doc</id><updated>2024-04-05T08:00:00+07:00</updated>"
        f"{''.join(entries)}</feed>\n"
    )
    return feed, len(payloads)


def _xhtml(payload: str) -> str:
    """Payloads as XHTML elements where they are well-formed, else as escaped text."""
    from lxml import etree

    try:
        etree.fromstring(f'<div xmlns="http://www.w3.org/1999/xhtml">{payload}</div>')
    except etree.XMLSyntaxError:
        return escape(payload)
    return payload


RSS_FIELDS = [
    "title",
    "summary",
    "summary-cdata",
    "content",
    "author",
    "category",
    "link",
    "guid",
    "comments",
    "enclosure",
    "media",
    "thumbnail",
]
ATOM_FIELDS = [
    "atom-title-html",
    "atom-content-html",
    "atom-content-xhtml",
    "atom-author",
    "atom-category",
    "atom-link",
]

URL_NOT_CHECKED = (
    "item and image URLs are published whatever their scheme: normalize.normalize_item() keeps"
    " `javascript:`/`data:`/`vbscript:`/`file:` links and image URLs (urls.absolute() returns"
    " them as they are), so they become <a href>/<img src> on the pages and links, media:content"
    " and JSON url/image in the feeds (feeds/normalize.py: drop or refuse non-http(s) URLs)"
)
TEXT_MARKUP = (
    "markup in plain-text fields is published as it came: an RSS <title>/<dc:creator> or Atom"
    " author holding `<script>`, `<img onerror>`, `<a href=javascript:>` reaches the RSS title,"
    " dc:creator, Atom name and JSON title/authors as text that readers which render titles as"
    " HTML will run (feeds/extract/feed.py _text()/_author() and normalize.normalize_item:"
    " strip tags from titles and authors whatever their declared type)"
)
TEXT_UNESCAPED = (
    "escaped markup in text fields is unescaped into live markup: extract/feed.py _text() and"
    " text.html_to_text() strip tags then html.unescape(), so `&lt;script&gt;` (double-encoded)"
    " becomes `<script>` in titles and in the RSS <description> summary, which readers render"
    " as HTML (feeds/text.py html_to_text / publish/items.py summary: strip tags after unescaping,"
    " or escape `<` in plain-text fields)"
)


@pytest.mark.parametrize("field", RSS_FIELDS + ATOM_FIELDS)
def test_nothing_executable_is_published(
    field: str, bench: Bench, tally: Callable[[str, int], None]
) -> None:
    document, count = atom_field(field) if field.startswith("atom") else rss_field(field)
    good = bench.server.route("/good.xml", good_feed("tot"))
    bad = bench.server.route(BAD_PATH, document.encode(), content_type="application/xml")
    bench.write([(GOOD, good, "the-gioi"), ("Báo độc", bad, "kinh-te")], items_per_feed=500)
    run = bench.run()
    tally("malicious payloads", count)
    assert run.code == 0, run.err
    assert "failed" not in run.out.split("\n\n")[0], run.out
    published = json.loads((bench.public / "feeds" / "all.json").read_text(encoding="utf-8"))
    if field in ("link", "atom-link"):
        # An entry whose only link is javascript:, data:, file: … is not an article: it is
        # dropped whole, and the source's good entries still go in.
        assert all(item["url"].startswith(("http://", "https://")) for item in published["items"])
    else:
        assert len(published["items"]) >= count, (
            "payload items were not published: the check is void"
        )
    problems = bench.problems()
    assert not problems, f"{len(problems)} executable constructs, first: {problems[:8]}"


CONTROLS = "\x01\x02\x08\x0b\x0c\x1b\x1f\x7f\ufffe"


def test_control_characters_do_not_poison_publishing(
    bench: Bench, tally: Callable[[str, int], None]
) -> None:
    items = [
        item_xml(
            f"Tin có ký tự điều khiển {n}{char}",
            f"https://dk.example.vn/{n}.html",
            description=_cdata(f"<p>Đoạn{char}văn</p>"),
            extra=f"<dc:creator>Tác giả{char}</dc:creator>"
            f"<content:encoded>{_cdata(f'<p>Nội dung{char}</p>')}</content:encoded>",
        )
        for n, char in enumerate(CONTROLS)
    ]
    good = bench.server.route("/good.xml", good_feed("tot"))
    bad = bench.server.route(BAD_PATH, rss(items).encode(), content_type="application/xml")
    bench.write([(GOOD, good, "the-gioi"), ("Báo điều khiển", bad, "kinh-te")])
    tally("malicious payloads", len(CONTROLS))
    run = bench.run()
    assert run.code == 0, run.err[-500:]
    assert not bench.problems()
    assert len(bench.published_titles("all")) == 3 + len(CONTROLS)
    again = run_cli("--config", str(bench.path), "publish")
    assert again.code == 0, again.err[-500:]
