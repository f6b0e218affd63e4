"""Malicious XML: entity expansion bombs, external entities, external DTDs, XInclude.

No entity may expand into memory or into the store, no local file may be read
into an article, and no request may leave for a URL a document names in its
DTD: the local server records every request, and each URL here has a unique
path. The cycle finishes quickly and memory stays flat.
"""

from __future__ import annotations

import resource
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from .bench import BAD_PATH, Bench, item_xml, rss, run_cli
from .published import published_text


def _laugh(level: int) -> str:
    inner = "&lol;" if level == 1 else f"&lol{level - 1};"
    return f'<!ENTITY lol{level} "{inner * 10}">'


LOL = '<!ENTITY lol "lol">' + "".join(_laugh(level) for level in range(1, 10))


def billion_laughs() -> str:
    head = f"<!DOCTYPE rss [\n{LOL}\n]>\n"
    items = [item_xml("Cười &lol9;", "https://xml.example.vn/1.html", description="&lol9;")]
    return rss(items, head=head)


def parameter_laughs() -> str:
    entities = '<!ENTITY % pe0 "lol">' + "".join(
        f'<!ENTITY % pe{i} "{f"%pe{i - 1};" * 10}">' for i in range(1, 8)
    )
    head = f"<!DOCTYPE rss [\n{entities}\n<!ENTITY big '%pe7;'>\n]>\n"
    return rss([item_xml("Tham số &big;", "https://xml.example.vn/2.html")], head=head)


def quadratic() -> str:
    head = f'<!DOCTYPE rss [<!ENTITY a "{"A" * 100_000}">]>\n'
    items = [item_xml("Bậc hai", "https://xml.example.vn/3.html", description="&a;" * 20_000)]
    return rss(items, head=head)


def external_file(path: Path) -> str:
    head = f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{path.as_uri()}">]>\n'
    items = [
        item_xml("Tệp &xxe;", "https://xml.example.vn/4.html", description="&xxe;"),
        item_xml("&xxe;", "https://xml.example.vn/5.html&xxe;", description="<![CDATA[x]]>"),
    ]
    return rss(items, head=head, title="&xxe;")


def external_passwd() -> str:
    head = '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    return rss(
        [item_xml("Mật khẩu &xxe;", "https://xml.example.vn/6.html", description="&xxe;")],
        head=head,
    )


def external_url(url: str) -> str:
    head = f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{url}">]>\n'
    return rss(
        [item_xml("Mạng &xxe;", "https://xml.example.vn/7.html", description="&xxe;")], head=head
    )


def external_dtd(url: str) -> str:
    head = f'<!DOCTYPE rss SYSTEM "{url}">\n'
    return rss([item_xml("DTD &ext;", "https://xml.example.vn/8.html")], head=head)


def public_dtd(url: str) -> str:
    head = f'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "{url}">\n'
    return rss([item_xml("DTD công khai", "https://xml.example.vn/9.html")], head=head)


def parameter_entity_url(url: str) -> str:
    head = f'<!DOCTYPE rss [<!ENTITY % remote SYSTEM "{url}"> %remote;]>\n'
    return rss([item_xml("Tham số từ xa", "https://xml.example.vn/10.html")], head=head)


def xinclude(path: Path) -> str:
    include = f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{path.as_uri()}" parse="text"/>'
    return rss([item_xml("XInclude", "https://xml.example.vn/11.html", description=include)])


def stylesheet(url: str) -> str:
    declaration = (
        f'<?xml version="1.0" encoding="utf-8"?>\n<?xml-stylesheet type="text/xsl" href="{url}"?>'
    )
    return rss([item_xml("Kiểu trang", "https://xml.example.vn/12.html")], declaration=declaration)


def atom_external(path: Path, url: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "{path.as_uri()}"><!ENTITY net SYSTEM "{url}">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom &xxe;</title><id>urn:x</id>
<updated>2024-04-05T08:00:00+07:00</updated>
<entry><title type="html">Atom &xxe; &net;</title><id>urn:y</id>
<link href="https://xml.example.vn/13.html"/><updated>2024-04-05T08:00:00+07:00</updated>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">&xxe;&net;</div></content></entry></feed>
"""


@pytest.fixture
def secret(tmp_path: Path) -> tuple[Path, str]:
    marker = f"BI-MAT-{uuid.uuid4().hex}"
    path = tmp_path / "secret.txt"
    path.write_text(marker + "\n", encoding="utf-8")
    return path, marker


Attack = Callable[[Path, Callable[[str], str]], str]
ATTACKS: list[tuple[str, Attack]] = [
    ("billion-laughs", lambda p, u: billion_laughs()),
    ("parameter-entity-laughs", lambda p, u: parameter_laughs()),
    ("quadratic-blowup", lambda p, u: quadratic()),
    ("external-entity-file", lambda p, u: external_file(p)),
    ("external-entity-passwd", lambda p, u: external_passwd()),
    ("external-entity-url", lambda p, u: external_url(u("entity"))),
    ("external-dtd", lambda p, u: external_dtd(u("dtd"))),
    ("public-dtd", lambda p, u: public_dtd(u("public-dtd"))),
    ("parameter-entity-url", lambda p, u: parameter_entity_url(u("pe"))),
    ("xinclude-file", lambda p, u: xinclude(p)),
    ("xml-stylesheet-url", lambda p, u: stylesheet(u("xsl"))),
    ("atom-external-file-and-url", lambda p, u: atom_external(p, u("atom"))),
]


@pytest.mark.parametrize(("name", "attack"), ATTACKS, ids=[a[0] for a in ATTACKS])
def test_malicious_xml_is_not_expanded_or_followed(
    name: str,
    attack: Attack,
    bench: Bench,
    secret: tuple[Path, str],
    tally: Callable[[str, int], None],
) -> None:
    before = bench.baseline()
    server = bench.server
    token = uuid.uuid4().hex
    trap_paths: list[str] = []

    def trap(kind: str) -> str:
        path = f"/trap-{kind}-{token}"
        server.route(path, b'<!ENTITY ext "TRAP-SPRUNG">', content_type="application/xml-dtd")
        trap_paths.append(path)
        return server.base + path

    path, marker = secret
    server.route(BAD_PATH, attack(path, trap).encode(), content_type="application/rss+xml")
    heavy = (
        "laughs" in name or "quadratic" in name
    )  # tracemalloc slows a run down: only where memory is the point
    if heavy:
        tracemalloc.start()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        run = bench.run()
        peak = tracemalloc.get_traced_memory()[1] if heavy else 0
    finally:
        tracemalloc.stop()
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    tally("malicious XML documents", 1)

    assert run.seconds < 10, f"the cycle took {run.seconds:.1f}s"
    assert peak < 100_000_000, f"Python memory peaked at {peak / 1e6:.0f} MB"
    assert grown_kb < 200_000, f"resident memory grew by {grown_kb / 1000:.0f} MB"
    bench.verify(run, before)
    asked = [p for p, _ in server.requests if p.startswith("/trap-")]
    assert not asked, f"requests left for URLs named in a DTD: {asked}"
    everything = bench.stored_text() + published_text(bench.public)
    assert marker not in everything, "a local file was read into the store or a feed"
    assert "root:x:0:0" not in everything
    assert "TRAP-SPRUNG" not in everything
    assert "lollollollollol" not in everything, "an entity bomb expanded"
    assert "A" * 200_000 not in everything, "a quadratic entity expanded"


def test_opml_import_reads_no_dtd(
    bench: Bench, secret: tuple[Path, str], tally: Callable[[str, int], None]
) -> None:
    """`feeds sources import` with an OPML file that names a local file, a URL and a bomb."""
    path, marker = secret
    trap = bench.server.route(f"/trap-opml-{uuid.uuid4().hex}", b"TRAP-SPRUNG")
    opml = f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "{path.as_uri()}"><!ENTITY net SYSTEM "{trap}">{LOL}]>
<opml version="2.0"><head><title>&xxe;</title></head><body>
<outline text="Tin &xxe;" xmlUrl="https://opml.example.vn/rss/&net;.rss"/>
<outline text="&lol9;" xmlUrl="https://opml.example.vn/rss/cuoi.rss"/>
</body></opml>
"""
    file = bench.folder / "hostile.opml"
    file.write_text(opml, encoding="utf-8")
    bench.pair(bench.server.route(BAD_PATH, b"<rss/>"))
    config_before = bench.path.read_bytes()
    tally("malicious XML documents", 1)
    run = run_cli("--config", str(bench.path), "sources", "import", str(file))
    assert run.code in (0, 2), run.err
    assert "Traceback" not in run.err
    config_after = bench.path.read_text(encoding="utf-8")
    if run.code == 2:
        assert bench.path.read_bytes() == config_before, "a refused import wrote config.toml"
    assert marker not in config_after + run.out + run.err
    assert "lollollol" not in config_after + run.out
    assert bench.requests_to(trap.removeprefix(bench.server.base)) == 0
