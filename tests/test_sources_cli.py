"""`feeds sources add/remove/list/import/export` through feeds.cli.main, against a local server.

Every edit of config.toml is checked to touch only its own block: the old text
and the new one differ by exactly one insertion (add, import) or one deletion
(remove), so comments and layout elsewhere survive byte for byte.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from feeds import config
from feeds.cli import _parser, main
from feeds.cycle import run_cycle
from store import articles, open_store

from .conftest import DATA, REAL, REPO, FeedServer

SITES = DATA / "sites"
OPML = REAL / "opml"

COMMENTED = """\
# Bản tin thử: a config written by hand, with comments everywhere.

[site]
title = "Bản tin thử"   # shown on every page
base_url = "http://127.0.0.1:8080"

[store]
path = "data/feeds.db"

# Categories.

[[categories]]
slug = "chuyen-dong-ha-noi"
name = "Chuyển động Hà Nội"
aliases = ["Chuyển động", "Thủ đô"]

[[categories]]
slug = "kinh-te"
name = "Kinh tế"
aliases = ["Kinh doanh"]

# Sources: one block each.

# The city's paper; its feed is slow in the morning.
[[sources]]
name = "Tin Hà Nội"   # the name readers see
url = "https://tinhanoi.example.vn/rss.xml"
category = "chuyen-dong-ha-noi"
# interval = "1h"

[[sources]]
# Inside the block.
name = "Báo Thủ đô"
url = "https://baothudo.example.vn/feed.atom"
category = "kinh-te"
interval = "30m"
[[sources]]
name = "Đời sống"
url = "https://doisong.example.vn/rss/doi-song.rss"


# Featured lists: editors' picks.

[[featured]]
slug = "dung-bo-lo"
title = "Đừng bỏ lỡ"
"""

EMPTY = """\
[site]
title = "Bản tin trống"
base_url = "http://127.0.0.1:8080"
"""

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".xml": "application/atom+xml; charset=utf-8",
}


def sources(path: Path, *args: str) -> int:
    return main(["--config", str(path), "sources", *args])


def serve(server: FeedServer, routes: dict[str, str]) -> str:
    """Serve files of tests/data/sites at the given paths; the site's base URL."""
    for path, name in routes.items():
        server.route(path, file=SITES / name, content_type=CONTENT_TYPES[Path(name).suffix])
    return server.base


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode("utf-8"))
    return path


def insertions(old: str, new: str) -> list[str]:
    """The texts `new` adds to `old`, asserting that it adds and changes nothing else."""
    ops = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    changes = [op for op in ops if op[0] != "equal"]
    assert all(op[0] == "insert" for op in changes), changes
    return [new[j1:j2] for _, _, _, j1, j2 in changes]


def inserted(old: str, new: str) -> str:
    """The one text `new` adds to `old`, which it otherwise keeps byte for byte."""
    found = insertions(old, new)
    assert len(found) == 1, found
    return found[0]


def only_added(old: str, new: str, block: str) -> None:
    """`new` is `old` plus `block`, once, and every other byte the same."""
    assert new.count(block) == 1 and new.replace(block, "", 1) == old, new


def only_removed(old: str, new: str, block: str) -> None:
    only_added(new, old, block)


# --- add -----------------------------------------------------------------------------


def test_add_site_with_one_feed(
    feed_server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve(
        feed_server, {"/": "hanoimoi/index.html", "/rss/tin-moi.rss": "hanoimoi/tin-moi.rss"}
    )
    path = write(tmp_path, COMMENTED)
    assert sources(path, "add", base + "/", "--category", "chuyen-dong-ha-noi") == 0
    out = capsys.readouterr().out
    assert "read 3 items from" in out and "feed title: Hà Nội Mới – Tin mới" in out
    added = (
        "\n[[sources]]\n"
        'name = "Hà Nội Mới – Tin mới"\n'
        f'url = "{base}/rss/tin-moi.rss"\n'
        'category = "chuyen-dong-ha-noi"\n'
    )
    text = path.read_text(encoding="utf-8")
    only_added(COMMENTED, text, added)
    assert text.index(added) < text.index("# Featured lists")  # after the last source
    cfg = config.load(path)
    assert cfg.sources[-1] == config.Source(
        "Hà Nội Mới – Tin mới", f"{base}/rss/tin-moi.rss", category="chuyen-dong-ha-noi"
    )
    assert feed_server.hits("/rss/tin-moi.rss") == 1


def test_add_a_feed_url_reads_it_once(
    feed_server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve(feed_server, {"/rss/tin-moi.rss": "hanoimoi/tin-moi.rss"})
    path = write(tmp_path, EMPTY)
    assert sources(path, "add", f"{base}/rss/tin-moi.rss", "--name", "Hà Nội Mới") == 0
    assert "read 3 items" in capsys.readouterr().out
    assert feed_server.hits("/rss/tin-moi.rss") == 1
    added = f'\n[[sources]]\nname = "Hà Nội Mới"\nurl = "{base}/rss/tin-moi.rss"\n'
    only_added(EMPTY, path.read_text(encoding="utf-8"), added)


def test_add_site_with_several_feeds_lists_them_and_waits_for_choose(
    feed_server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve(
        feed_server,
        {
            "/": "thudo/index.html",
            "/rss.html": "thudo/rss.html",
            "/rss/thoi-su.rss": "thudo/thoi-su.rss",
            "/rss/kinh-doanh.rss": "thudo/kinh-doanh.rss",
        },
    )
    path = write(tmp_path, COMMENTED)
    assert sources(path, "add", base + "/") == 2
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"3 feeds found at {base}/:",
        "  1. Thời sự",
        f"     {base}/rss/thoi-su.rss",
        "  2. Kinh doanh",
        f"     {base}/rss/kinh-doanh.rss",
        "  3. Văn hóa",
        "     https://thudo.example.vn/rss/van-hoa.rss",
    ]
    assert "--choose N" in captured.err
    assert path.read_text(encoding="utf-8") == COMMENTED

    assert sources(path, "add", base + "/", "--choose", "2", "--category", "kinh-te") == 0
    assert "feed title: Thủ Đô – Kinh doanh" in capsys.readouterr().out
    assert config.load(path).sources[-1] == config.Source(
        "Thủ Đô – Kinh doanh", f"{base}/rss/kinh-doanh.rss", category="kinh-te"
    )
    assert sources(path, "add", base + "/", "--choose", "9") == 2
    assert "not between 1 and 3" in capsys.readouterr().err
    assert sources(path, "add", base + "/", "--choose", "3") == 2  # another host: unreachable
    assert "van-hoa.rss: is not a readable feed: cannot connect" in capsys.readouterr().err
    assert len(config.load(path).sources) == 4


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_add_asks_which_feed_on_a_terminal(
    feed_server: FeedServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = serve(
        feed_server, {"/rss.html": "thudo/rss.html", "/rss/kinh-doanh.rss": "thudo/kinh-doanh.rss"}
    )
    path = write(tmp_path, EMPTY)
    monkeypatch.setattr("sys.stdin", _Terminal("2\n"))
    assert sources(path, "add", f"{base}/rss.html") == 0
    assert "add which one? [1-3, Enter to cancel]" in capsys.readouterr().out
    assert [s.name for s in config.load(path).sources] == ["Thủ Đô – Kinh doanh"]
    monkeypatch.setattr("sys.stdin", _Terminal("\n"))
    assert sources(path, "add", f"{base}/rss.html") == 2  # cancelled: nothing written
    assert len(config.load(path).sources) == 1


def test_add_rss_index_page_itself(
    feed_server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve(
        feed_server, {"/rss.html": "thudo/rss.html", "/rss/thoi-su.rss": "thudo/thoi-su.rss"}
    )
    path = write(tmp_path, EMPTY)
    assert sources(path, "add", f"{base}/rss.html", "--choose", "1") == 0
    assert "read 2 items" in capsys.readouterr().out
    assert [s.name for s in config.load(path).sources] == ["Thủ Đô – Thời sự"]


def test_add_finds_a_feed_at_a_usual_path(
    feed_server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve(feed_server, {"/": "phoco/index.html", "/atom.xml": "phoco/atom.xml"})
    path = write(tmp_path, EMPTY)
    assert sources(path, "add", base + "/") == 0
    assert "read 2 items" in capsys.readouterr().out
    assert config.load(path).sources[0].url == f"{base}/atom.xml"
    assert config.load(path).sources[0].name == "Phố Cổ – Chuyện phố phường"


def test_add_page_without_feed_suggests_kind_html(
    feed_server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve(feed_server, {"/": "trang-tinh/index.html"})
    path = write(tmp_path, COMMENTED)
    assert sources(path, "add", base + "/") == 2
    assert "no feed found" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == COMMENTED

    assert sources(path, "add", base + "/", "--kind", "html", "--category", "kinh-te") == 0
    added = inserted(COMMENTED, path.read_text(encoding="utf-8"))
    assert 'name = "Hợp tác xã gốm Bát Tràng"\n' in added and 'kind = "html"\n' in added


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["https://tinhanoi.example.vn/rss.xml?utm_source=zalo"], "already the source 'Tin Hà Nội'"),
        (["HTTPS://TinHaNoi.example.vn/rss.xml#top"], "already the source 'Tin Hà Nội'"),
        (["https://moi.example.vn/rss", "--name", "TIN HA NOI"], "already used by the source"),
        (["https://moi.example.vn/rss", "--category", "the-thao"], "declared: chuyen-dong-ha-noi, kinh-te"),
        (["moi.example.vn/rss"], "did you mean https://moi.example.vn/rss?"),
        (["ftp://moi.example.vn/rss"], "is not an http(s) URL"),
    ],
    ids=["same-url-tracking", "same-url-case", "same-name-folded", "unknown-category", "no-scheme", "ftp"],
)  # fmt: skip
def test_add_refuses_bad_input_before_fetching(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    path = write(tmp_path, COMMENTED)
    assert sources(path, "add", *args) == 2  # no server: any fetch would fail differently
    assert message in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == COMMENTED


def test_add_refuses_a_discovered_duplicate(
    feed_server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve(
        feed_server, {"/": "hanoimoi/index.html", "/rss/tin-moi.rss": "hanoimoi/tin-moi.rss"}
    )
    text = EMPTY + f'\n[[sources]]\nname = "Hà Nội Mới"\nurl = "{base}/rss/tin-moi.rss"\n'
    path = write(tmp_path, text)
    assert sources(path, "add", base + "/") == 2
    assert "already the source 'Hà Nội Mới'" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == text


def test_add_refuses_a_feed_title_already_used_as_a_name(
    feed_server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = serve(feed_server, {"/rss/tin-moi.rss": "hanoimoi/tin-moi.rss"})
    text = EMPTY + '\n[[sources]]\nname = "Hà Nội Mới – Tin mới"\nurl = "https://a.example.vn/"\n'
    path = write(tmp_path, text)
    assert sources(path, "add", f"{base}/rss/tin-moi.rss") == 2
    assert "already used by the source" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == text


def test_add_unreachable_url_is_bad_input(
    feed_server: FeedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, EMPTY)
    assert sources(path, "add", f"{feed_server.base}/khong-co.rss") == 2
    assert "HTTP 404" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == EMPTY


def test_add_to_the_shipped_config_keeps_every_other_byte(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    base = serve(feed_server, {"/rss/tin-moi.rss": "hanoimoi/tin-moi.rss"})
    shipped = (REPO / "config.toml").read_text(encoding="utf-8")
    path = write(tmp_path, shipped)
    assert sources(path, "add", f"{base}/rss/tin-moi.rss", "--category", "thoi-su") == 0
    new = path.read_text(encoding="utf-8")
    added = f'\n[[sources]]\nname = "Hà Nội Mới – Tin mới"\nurl = "{base}/rss/tin-moi.rss"\n'
    added += 'category = "thoi-su"\n'
    only_added(shipped, new, added)
    last_source = shipped.rindex("[[sources]]")
    first_featured = shipped.find("[[featured]]")
    assert last_source < new.index(added) < (first_featured if first_featured > 0 else len(new))
    assert len(config.load(path).sources) == len(config.parse(shipped, path).sources) + 1


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("last_newline", [True, False], ids=["newline-at-end", "no-newline-at-end"])
def test_add_and_remove_keep_line_ends_and_the_end_of_the_file(
    feed_server: FeedServer, tmp_path: Path, newline: str, last_newline: bool
) -> None:
    base = serve(feed_server, {"/rss/tin-moi.rss": "hanoimoi/tin-moi.rss"})
    lines = [*EMPTY.splitlines(), "", "[[sources]]", 'name = "A"', 'url = "https://a.example.vn/"']
    text = newline.join(lines) + (newline if last_newline else "")
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode())
    assert sources(path, "add", f"{base}/rss/tin-moi.rss") == 0
    added = path.read_bytes().decode()
    block = f'[[sources]]{newline}name = "Hà Nội Mới – Tin mới"{newline}'
    block += f'url = "{base}/rss/tin-moi.rss"{newline}'
    assert added == newline.join(lines) + newline + newline + block
    assert sources(path, "remove", "Hà Nội Mới – Tin mới") == 0
    assert path.read_bytes().decode() == newline.join(lines) + newline


# --- remove --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "gone"),
    [
        (
            "Tin Hà Nội",
            "# The city's paper; its feed is slow in the morning.\n[[sources]]\n"
            'name = "Tin Hà Nội"   # the name readers see\n'
            'url = "https://tinhanoi.example.vn/rss.xml"\ncategory = "chuyen-dong-ha-noi"\n'
            '# interval = "1h"\n\n',
        ),
        (
            "báo thủ đô",  # folded: case and diacritics ignored
            '[[sources]]\n# Inside the block.\nname = "Báo Thủ đô"\n'
            'url = "https://baothudo.example.vn/feed.atom"\ncategory = "kinh-te"\n'
            'interval = "30m"\n',
        ),
        (
            "Đời sống",
            '[[sources]]\nname = "Đời sống"\nurl = "https://doisong.example.vn/rss/doi-song.rss"\n',
        ),
    ],
)
def test_remove_takes_out_the_block_and_its_comments_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, gone: str
) -> None:
    path = write(tmp_path, COMMENTED)
    assert sources(path, "remove", name) == 0
    assert "stored articles are kept" in capsys.readouterr().out
    only_removed(COMMENTED, path.read_text(encoding="utf-8"), gone)
    before = config.parse(COMMENTED, path).sources
    after = config.load(path).sources
    assert len(after) == 2 and all(s in before for s in after)


def test_remove_every_source_leaves_a_valid_config(tmp_path: Path) -> None:
    path = write(tmp_path, COMMENTED)
    for name in ("Đời sống", "Tin Hà Nội", "Báo Thủ đô"):
        assert sources(path, "remove", name) == 0
    text = path.read_text(encoding="utf-8")
    assert config.load(path).sources == ()
    assert "# Sources: one block each." in text and "# Featured lists: editors' picks." in text


def test_remove_unknown_name_suggests_close_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, COMMENTED)
    assert sources(path, "remove", "Tin Ha Noii") == 2
    assert "did you mean 'Tin Hà Nội'" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == COMMENTED


def test_remove_keeps_stored_articles(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    now: datetime,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = serve(feed_server, {"/a.rss": "hanoimoi/tin-moi.rss"}) + "/a.rss"
    path = make_config(("Hà Nội Mới", url, "chuyen-dong-ha-noi"))
    cfg = config.load(path)
    run_cycle(cfg, open_store(cfg.store_path), now=now, publish=False)
    assert sources(path, "remove", "Hà Nội Mới") == 0
    assert "its 3 stored articles are kept" in capsys.readouterr().out
    assert articles.count(open_store(cfg.store_path)) == 3
    assert config.load(path).sources == ()


# --- list ----------------------------------------------------------------------------


def test_list_before_any_run_does_not_create_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, COMMENTED)
    assert sources(path, "list") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == [
        "name", "kind", "category", "every", "last", "fetch", "items", "last", "error"
    ]  # fmt: skip
    assert "Báo Thủ đô" in out and "30m" in out and "never" in out
    assert "3 sources, 0 disabled" in out
    assert not (tmp_path / "data").exists()


def test_list_json_has_state_from_the_store(
    feed_server: FeedServer,
    make_config: Callable[..., Path],
    now: datetime,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = serve(feed_server, {"/a.rss": "hanoimoi/tin-moi.rss"}) + "/a.rss"
    broken = feed_server.route("/hong.rss", "oops", status=500, content_type="text/plain")
    path = make_config(("Hà Nội Mới", good, "chuyen-dong-ha-noi"), ("Hỏng", broken))
    cfg = config.load(path)
    run_cycle(cfg, open_store(cfg.store_path), now=now, publish=False)
    assert sources(path, "list", "--json") == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["Hà Nội Mới"] == {
        "name": "Hà Nội Mới",
        "url": good,
        "kind": "feed",
        "category": "chuyen-dong-ha-noi",
        "interval": "15m",
        "enabled": True,
        "last_fetch_at": "2024-04-05T06:00:00+00:00",
        "last_success_at": "2024-04-05T06:00:00+00:00",
        "last_error": None,
        "disabled_reason": None,
        "item_count": 3,
    }
    assert rows["Hỏng"]["item_count"] == 0
    assert rows["Hỏng"]["last_error"] == "HTTP 500 Internal Server Error"
    assert sources(path, "list") == 0
    out = capsys.readouterr().out
    assert "05/04/2024 13:00" in out and "HTTP 500 Internal Server Error" in out


# --- import --------------------------------------------------------------------------

VIETNAMESE_OPML = """\
<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Đăng ký của tôi</title></head>
  <body>
    <outline text="Kinh doanh" title="Kinh doanh">
      <outline type="rss" text="VnExpress – Kinh doanh" xmlUrl="https://vnexpress.net/rss/kinh-doanh.rss"/>
      <outline type="rss" text="Tin Hà Nội (bản sao)" xmlUrl="https://TINHANOI.example.vn/rss.xml?utm_source=rss"/>
    </outline>
    <outline text="Thể thao">
      <outline text="Bóng đá">
        <outline type="rss" text="Bóng đá Việt" xmlUrl=" https://bongda.example.vn/rss/trong-nuoc.rss "/>
      </outline>
      <outline type="rss" text="Tin HÀ NỘI" xmlUrl="https://khac.example.vn/rss.xml"/>
      <outline type="rss" text="Thể thao 24/7" xmlUrl="https://thethao247.example.vn/rss"/>
    </outline>
    <outline type="rss" text="Thế giới 24h" category="/Tin tức/Chuyển động" xmlURL="https://24h.example.vn/the-gioi.rss"/>
    <outline type="rss" text="Thế giới 24h" xmlUrl="https://24h.example.vn/the-gioi.rss"/>
    <outline type="rss" text="Trang lạ" xmlUrl="javascript:alert(1)"/>
    <outline type="rss" title="Tin nhanh" xmlUrl="https://tinnhanh.example.vn/feed"/>
  </body>
</opml>
"""


def test_import_maps_categories_and_skips_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, COMMENTED)
    opml = tmp_path / "dang-ky.opml"
    opml.write_text(VIETNAMESE_OPML, encoding="utf-8")
    assert sources(path, "import", str(opml)) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == (
        "5 added, 3 skipped as duplicates, 1 invalid;"
        " new categories: bong-da (Bóng đá), the-thao (Thể thao)"
    )
    assert "skipped  Tin HÀ NỘI: the name is already used by 'Tin Hà Nội'" in out
    cfg = config.load(path)
    assert [(s.name, s.category) for s in cfg.sources[3:]] == [
        ("VnExpress – Kinh doanh", "kinh-te"),  # its group is an alias of a declared category
        ("Bóng đá Việt", "bong-da"),  # the nearest group, declared
        ("Thể thao 24-7", "the-thao"),  # '/' is not allowed in names
        ("Thế giới 24h", "chuyen-dong-ha-noi"),  # its category attribute, by alias
        ("Tin nhanh", None),
    ]
    assert cfg.sources[4].url == "https://bongda.example.vn/rss/trong-nuoc.rss"
    assert [(c.slug, c.name) for c in cfg.categories[2:]] == [
        ("bong-da", "Bóng đá"),
        ("the-thao", "Thể thao"),
    ]
    new = path.read_text(encoding="utf-8")
    assert len(insertions(COMMENTED, new)) == 2
    categories = new.index('\n[[categories]]\nslug = "bong-da"\nname = "Bóng đá"\n')
    added = new.index('\n[[sources]]\nname = "VnExpress – Kinh doanh"\n')
    assert new.index('aliases = ["Kinh doanh"]') < categories < new.index("# Sources: one block")
    assert new.index('interval = "30m"') < added < new.index("# Featured")


def test_import_twice_adds_nothing_the_second_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, COMMENTED)
    opml = tmp_path / "dang-ky.opml"
    opml.write_text(VIETNAMESE_OPML, encoding="utf-8")
    assert sources(path, "import", str(opml)) == 0
    once = path.read_text(encoding="utf-8")
    capsys.readouterr()
    assert sources(path, "import", str(opml)) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("0 added, 8 skipped")
    assert path.read_text(encoding="utf-8") == once


REAL_OPML = [
    # these three have bare '&'s in titles ("News & Headlines"): read as '&amp;'
    ("awesome-rss-feeds/recommended_with_category_News.opml", 11, ["news"]),
    ("awesome-rss-feeds/countries_with_category_India.opml", 36, ["india"]),
    ("awesome-rss-feeds/countries_with_category_Philippines.opml", 20, ["philippines"]),
    ("awesome-rss-feeds/countries_with_category_Japan.opml", 8, ["japan"]),
    ("listparser/feeds.opml", 2, []),
    ("listparser/opml/categories/hier-2-nested.xml", 1, ["grouping2"]),
    ("listparser/opml/categories/tags-2-multiple.xml", 1, ["tag1"]),
    ("listparser/opml/outline-duplication-1.xml", 1, []),
    ("listparser/opml/outline_xmlUrl-miscapitalized.xml", 1, []),
    ("listparser/opml/outline_xmlUrl-whitespace.xml", 1, []),
    ("listparser/opml/outline_text-overrides_title.xml", 1, []),
    ("commafeed/opml_v1.0.xml", 1, ["out1"]),
    ("commafeed/opml_noversion.xml", 1, ["out1"]),
    ("pluto/feedbase_hotlist.opml.xml", None, None),
]


@pytest.mark.parametrize(("name", "added", "categories"), REAL_OPML, ids=[r[0] for r in REAL_OPML])
def test_import_real_opml_files(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    added: int | None,
    categories: list[str] | None,
) -> None:
    file = OPML / name
    if not file.exists():
        pytest.skip(f"{file} is not here (shared real-world fixtures)")
    path = write(tmp_path, EMPTY)
    assert sources(path, "import", str(file)) == 0
    cfg = config.load(path)
    assert f"{len(cfg.sources)} added" in capsys.readouterr().out
    if added is not None:
        assert len(cfg.sources) == added
    else:
        assert len(cfg.sources) > 50
    if categories is not None:
        assert [c.slug for c in cfg.categories] == categories
    assert all(s.url.startswith(("http://", "https://")) for s in cfg.sources)
    if name.endswith("overrides_title.xml"):
        assert cfg.sources[0].name == "text"


MALFORMED = [
    *(f"listparser/malformed/{n}" for n in (
        "concatenated-documents.xml", "end-element-missing.xml",
        "end-element-unexpected-with-prefix.xml", "end-element-unexpected.xml",
        "html-entity-attribute.xml", "html-entity-text-1.xml", "html-entity-text-2.xml",
        "undefined-entity-attribute.xml", "undefined-entity-text.xml", "xmlns-without-value.xml",
    )),
    "awesome-rss-feeds/recommended_without_category_Tech.opml",  # '""' inside an attribute
    "vn-subscriptions/docbao_Feeds.txt",  # a CSV list of Vietnamese feeds, not OPML
    "vn-subscriptions/docbao_Publishers.txt",
    "pluto/directory.opml.xml",  # OPML whose outlines are links to other OPML files: no feeds
]  # fmt: skip


@pytest.mark.parametrize("name", MALFORMED)
def test_import_malformed_opml_is_refused_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    file = OPML / name
    if not file.exists():
        pytest.skip(f"{file} is not here (shared real-world fixtures)")
    path = write(tmp_path, COMMENTED)
    assert sources(path, "import", str(file)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: config: {file}: ") and "Traceback" not in err
    assert path.read_text(encoding="utf-8") == COMMENTED


@pytest.mark.parametrize(
    "document",
    [
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<opml version="2.0"><body><outline text="&b;" xmlUrl="https://x.example.vn/rss"/></body></opml>',
        '<?xml version="1.0"?><!DOCTYPE opml SYSTEM "http://127.0.0.1:9/opml.dtd">'
        '<opml version="2.0"><body><outline text="x" xmlUrl="https://x.example.vn/rss"/></body></opml>',
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Không phải OPML</title></channel></rss>',
        "",
    ],
    ids=["entities", "external-dtd", "rss-not-opml", "empty"],
)  # fmt: skip
def test_import_refuses_unsafe_or_foreign_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], document: str
) -> None:
    path = write(tmp_path, EMPTY)
    opml = tmp_path / "x.opml"
    opml.write_text(document, encoding="utf-8")
    assert sources(path, "import", str(opml)) == 2
    assert capsys.readouterr().err.startswith(f"error: config: {opml}: ")
    assert path.read_text(encoding="utf-8") == EMPTY


def test_import_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, EMPTY)
    assert sources(path, "import", str(tmp_path / "khong-co.opml")) == 2
    assert "cannot be read" in capsys.readouterr().err


# --- export --------------------------------------------------------------------------

FULL = (
    EMPTY
    + """
[[categories]]
slug = "chuyen-dong-ha-noi"
name = "Chuyển động Hà Nội"
aliases = ["Chuyển động", "Thủ đô"]

[[categories]]
slug = "kinh-te"
name = "Kinh tế"

[[categories]]
slug = "van-hoa-giai-tri"
name = "Văn hóa"
aliases = ["Giải trí"]

[[sources]]
name = "Tin Hà Nội"
url = "https://tinhanoi.example.vn/rss.xml"
category = "chuyen-dong-ha-noi"

[[sources]]
name = "Báo Thủ đô & Đời sống"
url = "https://baothudo.example.vn/chuyen-muc/kinh-doanh?trang=1&loai=moi"
kind = "html"
category = "kinh-te"
interval = "1h30m"
link_pattern = "-\\\\d+\\\\.html$"

[[sources]]
name = "Phố Cổ"
url = "https://phoco.example.vn/atom.xml"
category = "van-hoa-giai-tri"
enabled = false

[[sources]]
name = "Tin chung"
url = "https://tinchung.example.vn/rss"
"""
)


def test_export_then_import_gives_the_same_sources_and_categories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = write(tmp_path, FULL)
    assert sources(original, "export") == 0
    opml = tmp_path / "nguon.opml"
    opml.write_text(capsys.readouterr().out, encoding="utf-8")
    assert (
        '<outline text="Văn hóa" title="Văn hóa" feeds:slug="van-hoa-giai-tri"'
        in opml.read_text(encoding="utf-8")
    )
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    copy = write(empty_dir, EMPTY)
    assert sources(copy, "import", str(opml)) == 0
    before, after = config.load(original), config.load(copy)
    assert after.sources == before.sources
    assert after.categories == before.categories


def test_export_of_the_shipped_config_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = tmp_path / "shipped" / "config.toml"
    shipped.parent.mkdir()
    shutil.copy(REPO / "config.toml", shipped)
    assert sources(shipped, "export") == 0
    opml = tmp_path / "nguon.opml"
    opml.write_text(capsys.readouterr().out, encoding="utf-8")
    copy = write(tmp_path, EMPTY)
    assert sources(copy, "import", str(opml)) == 0
    before, after = config.load(shipped), config.load(copy)
    assert sorted(after.sources, key=str) == sorted(before.sources, key=str)  # grouped by category
    used = {s.category for s in before.sources}
    assert after.categories == tuple(c for c in before.categories if c.slug in used)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_sources_subcommand_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    subcommands = _subcommands(_subcommands(_parser())["sources"])
    assert set(subcommands) >= {"list", "add", "remove", "import", "export"}
    for name in subcommands:
        assert f"`feeds sources {name}" in readme, f"feeds sources {name} is not in README.md"
