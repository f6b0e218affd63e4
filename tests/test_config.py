"""config.toml: the bundled file is valid and documented; broken files name key and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from feeds import config
from feeds.cli import main
from feeds.errors import ConfigError

from .conftest import REPO

GOOD = """\
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

[[sources]]
name = "B"
url = "http://127.0.0.1:9/b.xml"
interval = "30m"
"""

# (what is wrong, the broken file, the key the error names, the line it names)
BROKEN = [
    ("toml syntax", GOOD + "\n[site\n", "config.toml", 19),
    ("unclosed string", GOOD.replace('"Bản tin"', '"Bản tin'), "config.toml", 2),
    ("unknown top-level key", "colour = 1\n" + GOOD, "colour", 1),
    ("unknown site key", GOOD.replace("[site]\n", "[site]\nname = 1\n"), "site.name", 2),
    ("unknown source key", GOOD + 'urll = "x"\n', "sources[1].urll", 18),
    ("site missing", GOOD.replace("[site]\n", "[sitee]\n"), "sitee", 1),
    ("title missing", GOOD.replace('title = "Bản tin"\n', ""), "site", 1),
    ("title empty", GOOD.replace('"Bản tin"', '"  "'), "site.title", 2),
    ("title not a string", GOOD.replace('"Bản tin"', "42"), "site.title", 2),
    ("base_url not http", GOOD.replace("http://127.0.0.1:8080", "ftp://x"), "site.base_url", 3),
    ("base_url no host", GOOD.replace("http://127.0.0.1:8080", "http://"), "site.base_url", 3),
    ("bad time zone", GOOD + '\n[schedule]\ninterval = "15m"\n', None, None),
    ("interval with a space", GOOD.replace('"30m"', '"15 min"'), "sources[1].interval", 17),
    ("interval a number", GOOD.replace('"30m"', "30"), "sources[1].interval", 17),
    ("interval zero", GOOD.replace('"30m"', '"0m"'), "sources[1].interval", 17),
    ("schedule interval", GOOD + '[schedule]\ninterval = "soon"\n', "schedule.interval", 19),
    ("source url not a url", GOOD.replace("http://127.0.0.1:9/a.xml", "example.com/rss"),
     "sources[0].url", 11),
    ("source url scheme", GOOD.replace("http://127.0.0.1:9/a.xml", "gopher://x/a"),
     "sources[0].url", 11),
    ("source url spaces", GOOD.replace("http://127.0.0.1:9/a.xml", "http://a b/"),
     "sources[0].url", 11),
    ("duplicate source name", GOOD.replace('name = "B"', 'name = "a"'), "sources[1].name", 15),
    ("duplicate source url", GOOD.replace("b.xml", "a.xml"), "sources[1].url", 16),
    ("undeclared category", GOOD.replace('category = "kinh-te"', 'category = "the-thao"'),
     "sources[0].category", 12),
    ("unknown kind", GOOD.replace('name = "A"', 'name = "A"\nkind = "json"'), "sources[0].kind", 11),
    ("name with slash", GOOD.replace('name = "A"', 'name = "../A"'), "sources[0].name", 10),
    ("name with dot-dot", GOOD.replace('name = "A"', 'name = ".."'), "sources[0].name", 10),
    ("slug with slash", GOOD.replace('slug = "kinh-te"', 'slug = "../kinh-te"'),
     "categories[0].slug", 6),
    ("slug upper case", GOOD.replace('slug = "kinh-te"', 'slug = "Kinh-Te"'), "categories[0].slug", 6),
    ("slug reserved", GOOD.replace('slug = "kinh-te"', 'slug = "all"'), "categories[0].slug", 6),
    ("duplicate slug", GOOD.replace('[[sources]]\nname = "A"', '[[categories]]\nslug = "kinh-te"\nname = "K2"\n\n[[sources]]\nname = "A"', 1),
     "categories[1].slug", 10),
    ("duplicate category name", GOOD + '[[categories]]\nslug = "kt"\nname = "KINH TE"\n',
     "categories[1].name", 20),
    ("aliases not strings", GOOD.replace('name = "Kinh tế"', 'name = "Kinh tế"\naliases = [1]'),
     "categories[0].aliases", 8),
    ("items_per_feed negative", GOOD + "[publish]\nitems_per_feed = -1\n", "publish.items_per_feed", 19),
    ("items_per_feed bool", GOOD + "[publish]\nitems_per_feed = true\n", "publish.items_per_feed", 19),
    ("port out of range", GOOD + "[server]\nport = 70000\n", "server.port", 19),
    ("sources not a list", 'sources = "A"\n' + GOOD.split("[[sources]]")[0], "sources", 1),
    ("link_pattern invalid", GOOD.replace('name = "A"', 'name = "A"\nkind = "html"\nlink_pattern = "(["'),
     "sources[0].link_pattern", 12),
    ("link_pattern on a feed", GOOD.replace('name = "A"', 'name = "A"\nlink_pattern = "x"'),
     "sources[0].link_pattern", 11),
    ("featured slug clash", GOOD + '[[featured]]\nslug = "kinh-te"\ntitle = "X"\n', "featured[0].slug", 19),
    ("featured pin not url", GOOD + '[[featured]]\nslug = "x"\ntitle = "X"\npin = ["abc"]\n',
     "featured[0].pin", 21),
    ("featured window", GOOD + '[[featured]]\nslug = "x"\ntitle = "X"\nwindow = "3 days"\n',
     "featured[0].window", 21),
    ("enabled not bool", GOOD.replace('name = "A"', 'name = "A"\nenabled = "yes"'), "sources[0].enabled", 11),
    ("timezone unknown", GOOD.replace("[site]\n", '[site]\ntimezone = "Mars/Olympus"\n'), "site.timezone", 2),
]  # fmt: skip
BROKEN = [case for case in BROKEN if case[2] is not None]


@pytest.mark.parametrize(("why", "text", "key", "line"), BROKEN, ids=[c[0] for c in BROKEN])
def test_broken_config_names_key_and_line(
    why: str, text: str, key: str, line: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config.load(path)
    assert caught.value.key == key
    assert caught.value.line == line, str(caught.value)
    assert main(["--config", str(path), "run"]) == 2
    err = capsys.readouterr().err
    assert key in err and f"(line {line})" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"], "nothing written"


def test_error_message_reads_like_the_contract(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(GOOD.replace('"30m"', '"15 min"'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r'^sources\[1\]\.interval: .*"15 min".* \(line 17\)$'):
        config.load(path)


def test_good_config_values(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(GOOD, encoding="utf-8")
    cfg = config.load(path)
    assert cfg.site.timezone == "Asia/Ho_Chi_Minh"
    assert cfg.store_path == tmp_path / "data" / "feeds.db"
    assert [s.name for s in cfg.sources] == ["A", "B"]
    assert cfg.source_interval(cfg.sources[1]).total_seconds() == 1800
    assert cfg.source_interval(cfg.sources[0]).total_seconds() == 900
    with pytest.raises(AttributeError):
        cfg.sources[0].name = "C"  # type: ignore[misc]


def test_missing_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(tmp_path / "nope.toml"), "check"]) == 2
    assert "file not found" in capsys.readouterr().err


def test_bundled_config_is_valid() -> None:
    cfg = config.load(REPO / "config.toml")
    assert {c.slug for c in cfg.categories} >= {
        "chuyen-dong-ha-noi",
        "kinh-te",
        "van-hoa",
        "xa-hoi",
    }
    assert {f.slug for f in cfg.featured} == {"dung-bo-lo", "noi-bat"}
    local = [s for s in cfg.sources if s.is_local]
    assert local and all(cfg.local_path(s.url).exists() for s in local)
    assert sum(not s.is_local for s in cfg.sources) >= 10


def test_every_bundled_config_key_is_commented() -> None:
    lines = (REPO / "config.toml").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^\s*[a-z_]+\s*=", line):
            before = lines[number - 1].strip()
            assert before.startswith("#"), (
                f"line {number + 1} ({line.strip()}) has no comment above"
            )


def test_every_config_key_is_in_the_bundled_config() -> None:
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    for spec in (config._SITE, config._STORE, config._PUBLISH, config._SERVER, config._SCHEDULE,
                 config._FETCH, config._CATEGORY, config._SOURCE, config._FEATURED):  # fmt: skip
        for key in spec:
            if key in ("enabled", "link_pattern"):
                assert f"`{key}`" in (REPO / "README.md").read_text(encoding="utf-8")
                continue
            assert re.search(rf"^(# )?{key} = ", text, re.M), f"{key} is not shown in config.toml"
