"""Broken configs beyond tests/test_config.py, and names that try to write outside their folders.

Each broken config: `feeds run` exits 2, the message names the key and the
line, and nothing is written (no database, no publish dir). Then slugs, names
and URLs built to escape (`../`, absolute paths, Unicode slashes, NUL, very
long names) are tried in a config nested deep in tmp_path: whatever the
outcome, no file appears outside the config's store and publish folders.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .bench import run_cli

BASE = """\
[site]
title = "Bản tin"
base_url = "http://127.0.0.1:8080"

[[categories]]
slug = "kinh-te"
name = "Kinh tế"

[[sources]]
name = "A"
url = "http://127.0.0.1:9/a.xml"
category = "kinh-te"
"""
FEATURED = '\n[[featured]]\nslug = "dung-bo-lo"\ntitle = "Đừng bỏ lỡ"\n'
MARK = "  #!"  # ends the line the error must name; stripped before the file is written


def appended(text: str) -> str:
    return BASE + "\n" + text


def featured(line: str) -> str:
    return BASE + FEATURED + line + MARK + "\n"


def replaced(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new + MARK, 1)


# (what is wrong, the file with MARK on the line to name, the key the error names)
BROKEN: list[Any] = [
    ("store path a number", appended(f"[store]\npath = 42{MARK}"), "store.path"),
    ("store unknown key", appended(f'[store]\nfolder = "x"{MARK}'), "store.folder"),
    ("publish unknown key", appended(f'[publish]\ndirectory = "x"{MARK}'), "publish.directory"),
    ("publish dir empty", appended(f'[publish]\ndir = ""{MARK}'), "publish.dir"),
    ("server unknown key", appended(f'[server]\nhostname = "x"{MARK}'), "server.hostname"),
    ("server log level", appended(f'[server]\nlog_level = "verbose"{MARK}'), "server.log_level"),
    ("server host a number", appended(f"[server]\nhost = 1{MARK}"), "server.host"),
    ("schedule unknown key", appended(f'[schedule]\nevery = "15m"{MARK}'), "schedule.every"),
    ("schedule max_interval word", appended(f'[schedule]\nmax_interval = "forever"{MARK}'), "schedule.max_interval"),
    ("schedule debounce negative", appended(f'[schedule]\npublish_debounce = "-5s"{MARK}'), "schedule.publish_debounce"),
    ("schedule interval decimal", appended(f'[schedule]\ninterval = "1.5h"{MARK}'), "schedule.interval"),
    ("fetch unknown key", appended(f"[fetch]\ntimeout_s = 5{MARK}"), "fetch.timeout_s"),
    ("fetch timeout with a space", appended(f'[fetch]\ntimeout = "2 s"{MARK}'), "fetch.timeout"),
    ("fetch timeout a number", appended(f"[fetch]\ntimeout = 5{MARK}"), "fetch.timeout"),
    ("fetch max_bytes text", appended(f'[fetch]\nmax_bytes = "15MB"{MARK}'), "fetch.max_bytes"),
    ("fetch max_bytes zero", appended(f"[fetch]\nmax_bytes = 0{MARK}"), "fetch.max_bytes"),
    ("fetch concurrency negative", appended(f"[fetch]\nconcurrency = -1{MARK}"), "fetch.concurrency"),
    ("fetch per_host float", appended(f"[fetch]\nper_host = 1.5{MARK}"), "fetch.per_host"),
    ("fetch user_agent empty", appended(f'[fetch]\nuser_agent = " "{MARK}'), "fetch.user_agent"),
    ("dedup unknown key", appended(f"[dedup]\nthreshold = 0.5{MARK}"), "dedup.threshold"),
    ("dedup jaccard above 1", appended(f"[dedup]\njaccard = 1.5{MARK}"), "dedup.jaccard"),
    ("dedup containment zero", appended(f"[dedup]\ncontainment = 0{MARK}"), "dedup.containment"),
    ("dedup window bool", appended(f"[dedup]\nwindow = true{MARK}"), "dedup.window"),
    ("dedup priority unknown source", appended(f'[dedup]\nsource_priority = ["Không có"]{MARK}'), "dedup.source_priority"),
    ("category unknown key", replaced('name = "Kinh tế"', 'name = "Kinh tế"\ncolour = "red"'), "categories[0].colour"),
    ("category slug with diacritics", replaced('slug = "kinh-te"', 'slug = "kinh-tế"'), "categories[0].slug"),
    ("category slug absolute", replaced('slug = "kinh-te"', 'slug = "/etc/kinh-te"'), "categories[0].slug"),
    ("category slug backslash", replaced('slug = "kinh-te"', 'slug = "..\\\\..\\\\x"'), "categories[0].slug"),
    ("category slug unicode slash", replaced('slug = "kinh-te"', 'slug = "a\u2215b"'), "categories[0].slug"),
    ("category slug NUL", replaced('slug = "kinh-te"', 'slug = "a\\u0000b"'), "categories[0].slug"),
    ("category name with slash", replaced('name = "Kinh tế"', 'name = "Kinh/tế"'), "categories[0].name"),
    ("category name empty", replaced('name = "Kinh tế"', 'name = ""'), "categories[0].name"),
    ("category aliases a string", replaced('name = "Kinh tế"', 'name = "Kinh tế"\naliases = "Kinh doanh"'), "categories[0].aliases"),
    ("source unknown key", replaced('name = "A"', 'name = "A"\nurll = "x"'), "sources[0].urll"),
    ("source kind upper case", replaced('name = "A"', 'name = "A"\nkind = "FEED"'), "sources[0].kind"),
    ("source enabled a number", replaced('name = "A"', 'name = "A"\nenabled = 1'), "sources[0].enabled"),
    ("source interval zero", replaced('name = "A"', 'name = "A"\ninterval = "0s"'), "sources[0].interval"),
    ("source name NUL", replaced('name = "A"', 'name = "A\\u0000"'), "sources[0].name"),
    ("source name backslash", replaced('name = "A"', 'name = "..\\\\A"'), "sources[0].name"),
    ("source name bell", replaced('name = "A"', 'name = "A\\u0007B"'), "sources[0].name"),
    ("source name dot start", replaced('name = "A"', 'name = ".hidden"'), "sources[0].name"),
    ("source url javascript", replaced('url = "http://127.0.0.1:9/a.xml"', 'url = "javascript:alert(1)"'), "sources[0].url"),
    ("source url broken ipv6", replaced('url = "http://127.0.0.1:9/a.xml"', 'url = "http://[::1/a.xml"'), "sources[0].url"),
    ("source url ftp", replaced('url = "http://127.0.0.1:9/a.xml"', 'url = "ftp://127.0.0.1/a.xml"'), "sources[0].url"),
    ("source url empty", replaced('url = "http://127.0.0.1:9/a.xml"', 'url = ""'), "sources[0].url"),
    ("source url a list", replaced('url = "http://127.0.0.1:9/a.xml"', 'url = ["http://a/"]'), "sources[0].url"),
    ("featured unknown key", featured('sizes = 3'), "featured[0].sizes"),
    ("featured size zero", featured("size = 0"), "featured[0].size"),
    ("featured half_life bare number", featured('half_life = "12"'), "featured[0].half_life"),
    ("featured weight too big", featured("weight_picks = 1000"), "featured[0].weight_picks"),
    ("featured summaries a string", featured('summaries = "yes"'), "featured[0].summaries"),
    ("featured sections a string", featured('sections = "Đừng bỏ lỡ"'), "featured[0].sections"),
    ("featured pin javascript", featured('pin = ["javascript:alert(1)"]'), "featured[0].pin"),
    ("featured slug dot-dot", featured('slug = "../x"').replace('slug = "dung-bo-lo"\n', ""), "featured[0].slug"),
    ("featured slug slash", featured('slug = "a/b"').replace('slug = "dung-bo-lo"\n', ""), "featured[0].slug"),
    ("featured slug reserved", featured('slug = "all"').replace('slug = "dung-bo-lo"\n', ""), "featured[0].slug"),
    ("featured duplicate slug", BASE + FEATURED + f'\n[[featured]]\nslug = "dung-bo-lo"{MARK}\ntitle = "Lại"\n', "featured[1].slug"),
    ("site base_url javascript", replaced('base_url = "http://127.0.0.1:8080"', 'base_url = "javascript:alert(1)//"'), "site.base_url"),
    ("site language empty", replaced('title = "Bản tin"', 'title = "Bản tin"\nlanguage = ""'), "site.language"),
    ("toml duplicate table", appended(f"[site]{MARK}\n"), "config.toml"),
    ("toml duplicate key", replaced('title = "Bản tin"', 'title = "Bản tin"\ntitle = "Lại"'), "config.toml"),
    ("toml junk after value", appended(f'[store]\npath = "a" "b"{MARK}'), "config.toml"),
    ("toml bad escape", replaced('name = "A"', 'name = "A\\q"'), "config.toml"),
]  # fmt: skip

BROKEN += [
    pytest.param(
        "schedule interval overflows",
        appended(f'[schedule]\ninterval = "999999999999d"{MARK}'),
        "schedule.interval",
    ),
    pytest.param(
        "source url port out of range",
        replaced('url = "http://127.0.0.1:9/a.xml"', 'url = "http://127.0.0.1:99999/a.xml"'),
        "sources[0].url",
    ),
]


def _id(case: Any) -> str:
    return str(case.values[0] if hasattr(case, "values") else case[0])


@pytest.mark.parametrize(("why", "text", "key"), BROKEN, ids=[_id(c) for c in BROKEN])
def test_broken_config_is_refused_before_anything_is_written(
    why: str, text: str, key: str, tmp_path: Path, tally: Callable[[str, int], None]
) -> None:
    lines = text.splitlines()
    line = next(n for n, content in enumerate(lines, start=1) if content.endswith(MARK))
    path = tmp_path / "config.toml"
    path.write_text(text.replace(MARK, ""), encoding="utf-8")
    tally("broken configs", 1)
    run = run_cli("--config", str(path), "run")
    assert run.code == 2, run.err
    assert "Traceback" not in run.err
    assert f"{key}" in run.err and f"(line {line})" in run.err, run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"], "something was written"
    assert run_cli("--config", str(path), "check").code == 2


# --- nothing escapes the store and the publish dir ------------------------------------

ESCAPES: list[tuple[str, str, str]] = [
    # (what, a TOML fragment that replaces the category's slug line or adds to the file, where)
    ("category slug dot-dot", 'slug = "../../../../escaped"', "slug"),
    ("category slug encoded dot-dot", 'slug = "%2e%2e%2fescaped"', "slug"),
    ("category slug fullwidth solidus", 'slug = "a\uff0fb"', "slug"),
    ("category slug fraction slash", 'slug = "a\u2044b"', "slug"),
    ("category slug 300 letters", f'slug = "{"a" * 300}"', "slug"),
    ("category slug 250 letters", f'slug = "{"a" * 250}"', "slug"),
    ("featured slug dot-dot", 'slug = "../../../../escaped"', "featured"),
    ("featured slug long", f'slug = "{"b" * 300}"', "featured"),
    ("source name unicode slashes", 'name = "..\u2215..\u2215escaped\uff0fx\u2044y"', "name"),
    ("source name RTL override", 'name = "A\u202eexe.lmth"', "name"),
    ("source name very long", f'name = "{"Tên rất dài " * 1000}"', "name"),
    ("source name NUL", 'name = "A\\u0000B"', "name"),
    ("source name device", 'name = "CON"', "name"),
    ("source url passwd", 'url = "file:///etc/passwd"', "url"),
    ("source url relative escape", 'url = "../../../../../../etc/hostname"', "url"),
    ("category name markup", 'slug = "x"\nname = "<script>alert(1)</script>"', "slug"),
]


def _escape_config(fragment: str, where: str) -> str:
    text = BASE
    if where == "slug":
        text = text.replace('slug = "kinh-te"', fragment, 1).replace('category = "kinh-te"\n', "")
        text = text.replace(
            'name = "Kinh tế"', 'name = "Kinh tế"' if "\nname" not in fragment else "", 1
        )
    elif where == "featured":
        text += f'\n[[featured]]\n{fragment}\ntitle = "Tuyển chọn"\n'
    elif where == "name":
        text = text.replace('name = "A"', fragment, 1)
    else:
        text = text.replace('url = "http://127.0.0.1:9/a.xml"', fragment, 1)
    return text


@pytest.mark.parametrize(
    ("what", "fragment", "where"),
    ESCAPES,
    ids=[e[0] for e in ESCAPES],
)
def test_no_name_writes_outside_the_store_and_publish_dir(
    what: str, fragment: str, where: str, tmp_path: Path, tally: Callable[[str, int], None]
) -> None:
    folder = tmp_path / "a" / "b" / "c" / "d" / "cfg"
    folder.mkdir(parents=True)
    path = folder / "config.toml"
    path.write_text(_escape_config(fragment, where), encoding="utf-8")
    tally("escape attempts", 1)
    run = run_cli("--config", str(path), "run")
    assert "Traceback" not in run.err
    assert run.code in (0, 2), run.err
    allowed = (folder / "data", folder / "public")
    written = [
        p
        for p in tmp_path.rglob("*")
        if p.is_file() and p != path and not any(p.is_relative_to(a) for a in allowed)
    ]
    assert not written, f"written outside the store and publish dir: {written}"
    if run.code == 2:
        assert not (folder / "data").exists() and not (folder / "public").exists()
    else:
        assert (folder / "public" / "index.html").exists()


def test_store_and_publish_dir_may_point_outside_the_config_folder(tmp_path: Path) -> None:
    """Allowed by the contract (systemd: /var/lib/feeds); everything lands exactly there."""
    folder, state = tmp_path / "etc", tmp_path / "var" / "lib" / "feeds"
    folder.mkdir()
    path = folder / "config.toml"
    extra = f'\n[store]\npath = "{state / "feeds.db"}"\n\n[publish]\ndir = "../www"\n'
    path.write_text(BASE.replace("[[categories]]", extra + "\n[[categories]]"), encoding="utf-8")
    run = run_cli("--config", str(path), "run")
    assert run.code == 0, run.err
    assert (state / "feeds.db").exists() and (tmp_path / "www" / "index.html").exists()
    assert sorted(p.name for p in folder.iterdir()) == ["config.toml"]
