"""Story clustering: every kind of copy merged, every kind of near miss kept apart.

Tables of real-shaped Vietnamese pairs: the first article is stored, the second
placed after it; the expectation is whether they end up in one story.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from feeds.config import DedupSettings
from feeds.dedup import Deduper, Placement, Side, judge
from feeds.model import RawItem
from feeds.normalize import Context, normalize_item
from feeds.similarity import overlap, title_key
from store import indexes, open_store, stories
from store.records import NewArticle

NOW = datetime(2024, 4, 5, 3, 0, tzinfo=UTC)

BUS = [
    "Từ ngày 10/4, ba tuyến buýt điện mới sẽ nối khu vực Hoàn Kiếm với sân bay Nội Bài, theo Sở Giao thông vận tải Hà Nội.",
    "Mỗi tuyến chạy 15 phút một chuyến từ 5h đến 23h, giá vé 9.000 đồng, hành khách có thể thanh toán bằng thẻ ngân hàng hoặc ví điện tử.",
    "Sở cho biết các tuyến mới giúp giảm áp lực cho taxi và xe công nghệ vào giờ cao điểm, đồng thời giảm phát thải trong nội đô.",
    "Đây là đợt mở tuyến lớn nhất trong năm, nâng tổng số tuyến buýt điện của thành phố lên 21 tuyến với khoảng 400 xe.",
    "Người dân có thể tra cứu lộ trình và giờ chạy trên ứng dụng Timbus hoặc cổng thông tin của Trung tâm Quản lý và Điều hành giao thông.",
]
BUS_OTHER_ARTICLE = [  # the same event, written by another newsroom
    "Hà Nội đưa vào khai thác thêm ba tuyến xe buýt chạy điện kết nối phố cổ với Nội Bài từ 10/4.",
    "Theo đại diện Trung tâm Quản lý và Điều hành giao thông, xe có 30 chỗ ngồi, trang bị wifi và cổng sạc điện thoại.",
    "Một hành khách thường xuyên đi sân bay cho biết chị mong tuyến mới giúp tiết kiệm chi phí so với taxi.",
    "Năm ngoái, thành phố đặt mục tiêu chuyển đổi toàn bộ xe buýt sang năng lượng sạch trước năm 2035.",
]
FIRE = [
    "Rạng sáng 12/9, đám cháy bùng phát tại tầng một chung cư mini 9 tầng ở phường Khương Đình, quận Thanh Xuân.",
    "Lực lượng cứu hỏa đã huy động 20 xe chữa cháy và hàng trăm cán bộ chiến sĩ đến hiện trường để dập lửa và cứu người.",
    "Nhiều cư dân mắc kẹt trên các tầng cao đã được giải cứu qua thang dây và các lối thoát hiểm từ nhà bên cạnh.",
    "Nguyên nhân vụ cháy đang được cơ quan chức năng điều tra làm rõ, ban đầu xác định lửa bắt nguồn từ khu vực để xe.",
]
FIRE_FOLLOW_UP = [
    "Cơ quan cảnh sát điều tra Công an Hà Nội đã khởi tố vụ án, khởi tố bị can đối với chủ đầu tư chung cư mini.",
    "Bị can bị cáo buộc vi phạm quy định về phòng cháy chữa cháy khi xây vượt số tầng được cấp phép và không lắp hệ thống báo cháy.",
    "Trước đó, rạng sáng 12/9, đám cháy bùng phát tại tầng một chung cư mini 9 tầng ở phường Khương Đình, quận Thanh Xuân.",
    "Thành phố đã hỗ trợ các gia đình nạn nhân và bố trí chỗ ở tạm cho cư dân của tòa nhà.",
]


def gold(day: int, bar: str, ring: str, change: str) -> list[str]:
    return [
        f"Sáng {day}/3, giá vàng miếng SJC được các doanh nghiệp niêm yết ở mức {bar} triệu đồng mỗi lượng, {change} so với hôm qua.",
        f"Vàng nhẫn trơn 9999 giao dịch quanh {ring} triệu đồng mỗi lượng ở chiều bán ra.",
        "Trên thị trường thế giới, giá vàng giao ngay biến động nhẹ khi nhà đầu tư chờ số liệu lạm phát của Mỹ.",
        "Chênh lệch giữa giá vàng trong nước và thế giới vẫn ở mức cao, chuyên gia khuyên người dân thận trọng khi mua vào.",
    ]


def html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def article(
    source: str,
    link: str,
    title: str,
    *,
    content: str | None = None,
    summary: str | None = None,
    hours: float = 0,
) -> NewArticle:
    ctx = Context(source, link, None, {}, NOW + timedelta(days=40))
    item = RawItem(
        key=link,
        link=link,
        title=title,
        content=content,
        summary=summary,
        published=NOW + timedelta(hours=hours),
    )
    return normalize_item(item, ctx)


T_BUS = "Hà Nội mở thêm 3 tuyến buýt điện nối trung tâm với sân bay Nội Bài"
ORIGINAL = article("Tuổi Trẻ", "https://tuoitre.vn/bus-1.htm", T_BUS, content=html(BUS))

COPIES = {
    "exact copy on another outlet": article(
        "Dân trí", "https://dantri.com.vn/xa-hoi/bus-2.htm", T_BUS, content=html(BUS), hours=2
    ),
    "tracking parameters": article(
        "Tuổi Trẻ lại", "https://TUOITRE.vn/bus-1.htm?utm_source=fb&fbclid=1#x", T_BUS + " ",
        summary="Ba tuyến buýt điện mới.", hours=1,
    ),
    "title prefix and suffix": article(
        "Thanh Niên", "https://thanhnien.vn/bus-3.htm", f"[Video] {T_BUS} | Báo Thanh Niên",
        content=html(BUS), hours=3,
    ),
    "NFD text and title": article(
        "VietNamNet", "https://vietnamnet.vn/bus-4.html", unicodedata.normalize("NFD", T_BUS),
        content=unicodedata.normalize("NFD", html(BUS)), hours=4,
    ),
    "other markup": article(
        "Zing", "https://znews.vn/bus-5.html", T_BUS,
        content="<div class='x'>" + "".join(f"<div><span>{p}</span></div><br>" for p in BUS)
        + "<div>Quảng cáo</div></div>", hours=5,
    ),
    "a sentence dropped": article(
        "Lao Động", "https://laodong.vn/bus-6.ldo", T_BUS, content=html(BUS[:2] + BUS[3:]), hours=6
    ),
    "a sentence added": article(
        "Tiền Phong", "https://tienphong.vn/bus-7.tpo", "Thêm 3 tuyến buýt điện ra sân bay Nội Bài",
        content=html([*BUS, "Theo TTXVN, đây là chủ trương lớn của thành phố về giao thông xanh."]),
        hours=7,
    ),
    "a feed summary of the full page": article(
        "Nhân Dân", "https://nhandan.vn/bus-8.html", "Video: " + T_BUS, summary=BUS[0] + " " + BUS[1],
        hours=8,
    ),
}  # fmt: skip

NEAR_MISSES = {
    "another newsroom's article on the same event": (
        ORIGINAL,
        article("VnExpress", "https://vnexpress.net/bus-9.html", T_BUS, content=html(BUS_OTHER_ARTICLE), hours=3),
    ),
    "a follow-up under the same title prefix": (
        article("A", "https://a.vn/chay-1.html", "Vụ cháy chung cư mini ở Thanh Xuân: 20 xe cứu hỏa đến hiện trường", content=html(FIRE)),
        article("A", "https://a.vn/chay-2.html", "Vụ cháy chung cư mini ở Thanh Xuân: khởi tố chủ đầu tư", content=html(FIRE_FOLLOW_UP), hours=30),
    ),
    "a recurring column a day later": (
        article("B", "https://b.vn/vang-12-3.html", "Giá vàng hôm nay 12/3: vàng miếng tăng mạnh", content=html(gold(12, "79,5", "68,2", "tăng 500.000 đồng"))),
        article("B", "https://b.vn/vang-13-3.html", "Giá vàng hôm nay 13/3: vàng miếng tăng mạnh", content=html(gold(13, "80,1", "68,9", "tăng 600.000 đồng")), hours=24),
    ),
    "a column whose titles hold the same numbers in another order": (
        article("B", "https://b.vn/vang-3-3.html", "Giá vàng hôm nay 3/3: vàng miếng giảm 0,3 triệu, vàng nhẫn giảm 0,4 triệu", content=html(gold(3, "76,7", "68,6", "giảm 300.000 đồng"))),
        article("B", "https://b.vn/vang-4-3.html", "Giá vàng hôm nay 4/3: vàng miếng giảm 0,3 triệu, vàng nhẫn giữ nguyên", content=html(gold(4, "76,4", "68,6", "giảm 300.000 đồng")), hours=24),
    ),
    "short items alike only in boilerplate": (
        article("C", "https://c.vn/v1.html", "Video: Cháy lớn ở kho hàng Long Biên", summary="Mời độc giả xem video."),
        article("C", "https://c.vn/v2.html", "Video: Ùn tắc kéo dài trên cầu Thăng Long", summary="Mời độc giả xem video.", hours=1),
    ),
    "the same text outside the window": (
        ORIGINAL,
        article("Dân trí", "https://dantri.com.vn/bus-late.htm", T_BUS, content=html(BUS), hours=8 * 24),
    ),
}  # fmt: skip


@pytest.fixture
def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    return open_store(tmp_path / "feeds.db")


def place_all(db, *items: NewArticle) -> list[Placement]:  # type: ignore[no-untyped-def]
    deduper = Deduper(DedupSettings())
    with db.atomic():
        placed = [deduper.place(db, item, now=NOW) for item in items]
    deduper.catch_up(db)
    return placed


@pytest.mark.parametrize("kind", list(COPIES))
def test_copies_are_one_story(db, kind: str) -> None:  # type: ignore[no-untyped-def]
    assert place_all(db, ORIGINAL, COPIES[kind]) == [Placement.NEW, Placement.DUPLICATE]
    assert stories.count(db) == 1


@pytest.mark.parametrize("stored", ["as now, no plain text", "by an earlier version, with it"])
def test_a_stored_article_is_compared_by_the_text_it_was_signed_with(db, stored: str) -> None:  # type: ignore[no-untyped-def]
    """An article's plain text is no longer stored, but derived from its HTML when a
    new one is compared with it; rows an earlier version wrote keep theirs, read as is."""
    from feeds.text import stored_text

    place_all(db, ORIGINAL)
    row = next(db.query("select text, content from articles"))
    assert row["text"] == "" and row["content"]
    if stored == "by an earlier version, with it":  # and no HTML left to derive it from
        with db.conn:
            db.execute(
                "update articles set text = ?, content = null, summary = null",
                [stored_text("", row["content"])],
            )
    assert place_all(db, COPIES["a sentence dropped"]) == [Placement.DUPLICATE]
    assert stories.count(db) == 1


@pytest.mark.parametrize("kind", list(NEAR_MISSES))
def test_near_misses_stay_apart(db, kind: str) -> None:  # type: ignore[no-untyped-def]
    first, second = NEAR_MISSES[kind]
    assert place_all(db, first, second) == [Placement.NEW, Placement.NEW]
    assert stories.count(db) == 2


def test_every_copy_at_once_is_one_story_with_every_outlet(db) -> None:  # type: ignore[no-untyped-def]
    place_all(db, ORIGINAL, *COPIES.values())
    [story] = stories.newest(db, category=None, limit=5)
    outlets = {c.source for c in story.copies} | {story.article.source}
    assert outlets == {ORIGINAL.source, *(c.source for c in COPIES.values())}
    assert story.published == "2024-04-05T03:00:00+00:00"  # the earliest
    outlets = next(db.query("select outlets from stories"))["outlets"]
    assert (
        outlets == len(outlets_seen := {ORIGINAL.source, *(c.source for c in COPIES.values())}) > 5
    ), outlets_seen


def test_a_full_version_replaces_a_summary_as_representative(db) -> None:  # type: ignore[no-untyped-def]
    summary = COPIES["a feed summary of the full page"]
    place_all(db, summary, ORIGINAL)
    [story] = stories.newest(db, category=None, limit=5)
    assert story.article.source == ORIGINAL.source


def test_source_priority_picks_the_representative(db) -> None:  # type: ignore[no-untyped-def]
    deduper = Deduper(DedupSettings(source_priority=("Dân trí",)))
    with db.atomic():
        deduper.place(db, ORIGINAL, now=NOW)
        deduper.place(db, COPIES["exact copy on another outlet"], now=NOW)
    [story] = stories.newest(db, category=None, limit=5)
    assert story.article.source == "Dân trí"


def test_an_article_joining_two_stories_merges_them_keeping_the_first_id(db) -> None:  # type: ignore[no-untyped-def]
    # A feed summary (the body's last two sentences) and the full page, which the index
    # does not bring together (their leads differ); a third copy, reordered, bridges them.
    summary = article(
        "A", "https://a.vn/1.html", "Buýt điện: thêm tuyến", summary=" ".join(BUS[3:])
    )
    full = article("B", "https://b.vn/2.html", "Ba tuyến buýt điện mới", content=html(BUS), hours=1)
    place_all(db, summary, full)
    ids = [s.id for s in stories.newest(db, category=None, limit=5)]
    assert len(ids) == 2
    first_id = next(
        s.id for s in stories.newest(db, category=None, limit=5) if s.article.source == "A"
    )
    bridge = article(
        "C", "https://c.vn/3.html", "Buýt điện", content=html(BUS[3:] + BUS[:3]), hours=2
    )
    assert place_all(db, bridge) == [Placement.DUPLICATE]
    [merged] = stories.newest(db, category=None, limit=5)
    assert merged.id == first_id
    other = next(i for i in ids if i != first_id)
    assert stories.resolve(db, other) == first_id


def test_an_article_contained_in_two_different_stories_does_not_merge_them(db) -> None:  # type: ignore[no-untyped-def]
    column = "Kết quả xổ số miền Bắc ngày 5/3/2024 được công bố lúc 18 giờ 15 tại trường quay."
    first = article(
        "A",
        "https://a.vn/xs-1.html",
        "Xổ số miền Bắc 5/3/2024",
        content=html([column, *gold(5, "79,5", "68,2", "tăng 100.000 đồng")]),
    )
    second = article(
        "B",
        "https://b.vn/xs-2.html",
        "Xổ số miền Bắc 5/3/2024",
        content=html([column, *FIRE]),
        hours=1,
    )
    lead_only = article(
        "C", "https://c.vn/xs-3.html", "Xổ số miền Bắc 5/3/2024", summary=column, hours=2
    )
    place_all(db, first, second, lead_only)
    assert stories.count(db) == 2  # the lead joined one of them; the two stay apart


def test_explanation_is_recorded(db) -> None:  # type: ignore[no-untyped-def]
    place_all(db, ORIGINAL, COPIES["a sentence dropped"])
    row = next(db.query("select match from articles where source = 'Lao Động'"))
    assert '"reason": "near-identical text"' in row["match"] and '"jaccard"' in row["match"]


def test_judge_is_pure_and_explains() -> None:
    from feeds.clock import iso
    from feeds.text import article_text, stored_text
    from store.records import Candidate

    copy = COPIES["a feed summary of the full page"]
    old = Candidate("x", "s", ORIGINAL.source, ORIGINAL.title, ORIGINAL.title_key, "",
                    iso(ORIGINAL.published), ORIGINAL.shingles, ORIGINAL.content or "")  # fmt: skip
    texts = article_text(copy.content, copy.summary), stored_text(old.text, old.body)
    verdict = judge(Side.of(copy), Side.of(old), DedupSettings(), body=overlap(*texts))
    assert verdict.same and verdict.containment == 1.0 and verdict.jaccard < 0.5
    assert "contained" in verdict.reason


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("[Video] Hà Nội mở thêm tuyến buýt | Báo Tuổi Trẻ", "Hà Nội mở thêm tuyến buýt"),
        ("Clip: Cháy lớn ở Long Biên - VnExpress", "Cháy lớn ở Long Biên"),
        ("TRỰC TIẾP: Bầu cử Mỹ 2024", "Bầu cử Mỹ 2024"),
        (unicodedata.normalize("NFD", "Ảnh: Phố cổ mùa thu"), "phố cổ mùa thu"),
    ],
)
def test_title_key_drops_outlet_furniture(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


def _ids(db) -> set[str]:  # type: ignore[no-untyped-def]
    return {row["id"] for row in db.query("select id from stories")}


def test_rebuild_is_idempotent_and_keeps_ids(db) -> None:  # type: ignore[no-untyped-def]
    from feeds.rebuild import rebuild

    pairs = [item for pair in NEAR_MISSES.values() for item in pair if item is not ORIGINAL]
    place_all(db, ORIGINAL, *COPIES.values(), *pairs)
    before = _ids(db)
    report = rebuild(db, DedupSettings(), now=NOW)
    assert report.moved == 0 and report.new_ids == [] and report.merged_ids == []
    assert _ids(db) == before
    again = rebuild(db, DedupSettings(), now=NOW)
    assert again.moved == 0 and _ids(db) == before


def test_rebuild_after_a_threshold_change_never_reuses_or_loses_published_ids(db) -> None:  # type: ignore[no-untyped-def]
    from feeds.rebuild import rebuild

    edited = [p.replace("15 phút", "mười lăm phút").replace("giá vé", "vé") for p in BUS]
    light_edit = article("Lao Động", "https://laodong.vn/bus.ldo", T_BUS, content=html(edited))
    place_all(db, ORIGINAL, light_edit, COPIES["a feed summary of the full page"])
    [original_id] = _ids(db)
    strict = rebuild(db, DedupSettings(jaccard=0.99, containment=0.99), now=NOW)
    assert len(strict.new_ids) == 1 and _ids(db) >= {original_id}
    assert stories.newest(db, category=None, limit=5)[-1].id == original_id
    loose = rebuild(db, DedupSettings(), now=NOW)
    assert _ids(db) == {original_id}
    assert sorted(loose.merged_ids) == sorted(strict.new_ids)
    for merged in loose.merged_ids:
        assert stories.resolve(db, merged) == original_id


def test_explain_command(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    feed_server,
    make_config,  # type: ignore[no-untyped-def]
) -> None:
    from feeds.cli import main

    feed = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{t}</title>
    <link>https://{h}/</link><description>x</description><item><title>{title}</title>
    <link>https://{h}/bus.html</link><description><![CDATA[{body}]]></description>
    <pubDate>Fri, 05 Apr 2024 08:00:00 +0700</pubDate></item></channel></rss>"""
    a = feed_server.route("/a.xml", feed.format(t="A", h="a.vn", title=T_BUS, body=html(BUS)))
    b = feed_server.route(
        "/b.xml", feed.format(t="B", h="b.vn", title="Clip: " + T_BUS, body=html(BUS[1:]))
    )
    path = make_config(("Báo A", a), ("Báo B", b))
    assert main(["--config", str(path), "run"]) == 0
    capsys.readouterr()
    assert main(["--config", str(path), "stories", "--json"]) == 0
    import json

    [story] = json.loads(capsys.readouterr().out)
    assert main(["--config", str(path), "stories", "--explain", story["id"]]) == 0
    out = capsys.readouterr().out
    assert "2 articles" in out and "joined: near-identical text (jaccard" in out
    assert main(["--config", str(path), "stories", "--explain", "nope"]) == 2
    assert main(["--config", str(path), "dedup", "--rebuild"]) == 0
    assert "1 stories before, 1 after; 0 articles moved" in capsys.readouterr().out


def test_batch_clustering_agrees_with_itself_in_worker_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rebuild's worker processes profile texts ahead; the groups must not depend on it."""
    from feeds import cluster as batch

    pairs = [item for pair in NEAR_MISSES.values() for item in pair if item is not ORIGINAL]
    placed = [ORIGINAL, *COPIES.values(), *pairs]
    members = [
        batch.Member(str(i), a.url, a.text_hash, a.title_key, a.published, indexes.pack(a.keys))
        for i, a in enumerate(placed)
    ]
    texts = [("", a.content or a.summary or "") for a in placed]
    inline = batch.cluster(members, iter(texts), DedupSettings(), processes=1)
    monkeypatch.setattr(batch, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(batch, "CHUNK", 3)
    pooled = batch.cluster(members, iter(texts), DedupSettings(), processes=2)
    assert pooled == inline
    copies = {0, *range(1, 1 + len(COPIES))}
    assert copies in [set(group) for group in inline]  # every copy with the original
    assert len(inline) == 1 + len(pairs)  # every near miss on its own


def test_rebuild_merging_a_story_that_others_were_merged_into(db) -> None:  # type: ignore[no-untyped-def]
    """A story that earlier merges left aliases pointing at can itself be merged away."""
    from feeds.rebuild import rebuild

    edited = [p.replace("15 phút", "mười lăm phút").replace("giá vé", "vé") for p in BUS]
    light_edit = article("Lao Động", "https://laodong.vn/bus.ldo", T_BUS, content=html(edited))
    place_all(db, ORIGINAL, light_edit)
    [original_id] = _ids(db)
    strict = rebuild(db, DedupSettings(jaccard=0.99, containment=0.99), now=NOW)
    [split_id] = strict.new_ids
    db.execute(
        "insert into story_aliases (old_id, story_id) values (:o, :s)",
        {"o": "merged-earlier", "s": split_id},
    )
    loose = rebuild(db, DedupSettings(), now=NOW)
    assert loose.merged_ids == [split_id] and _ids(db) == {original_id}
    assert stories.resolve(db, "merged-earlier") == original_id
    assert stories.resolve(db, split_id) == original_id


def _batch(*placed: NewArticle) -> list[list[int]]:
    from feeds import cluster as batch

    members = [
        batch.Member(str(i), a.url, a.text_hash, a.title_key, a.published, indexes.pack(a.keys))
        for i, a in enumerate(placed)
    ]
    texts = [("", a.content or a.summary or "") for a in placed]
    return batch.cluster(members, iter(texts), DedupSettings(), processes=1)


def test_batch_an_article_contained_in_two_different_stories_does_not_merge_them() -> None:
    """The rebuild follows the incremental rule: a shared lead bridges nothing alone."""
    column = "Kết quả xổ số miền Bắc ngày 5/3/2024 được công bố lúc 18 giờ 15 tại trường quay."
    title = "Xổ số miền Bắc 5/3/2024"
    first = article(
        "A", "https://a.vn/xs-1.html", title,
        content=html([column, *gold(5, "79,5", "68,2", "tăng 100.000 đồng")]),
    )  # fmt: skip
    second = article("B", "https://b.vn/xs-2.html", title, content=html([column, *FIRE]), hours=1)
    lead_only = article("C", "https://c.vn/xs-3.html", title, summary=column, hours=2)
    groups = _batch(first, second, lead_only)
    assert len(groups) == 2  # the lead joined one of them
    assert not any({0, 1} <= set(group) for group in groups)  # the two stay apart


def test_batch_a_bridge_that_is_one_story_with_both_merges_them() -> None:
    summary = article(
        "A", "https://a.vn/1.html", "Buýt điện: thêm tuyến", summary=" ".join(BUS[3:])
    )
    full = article("B", "https://b.vn/2.html", "Ba tuyến buýt điện mới", content=html(BUS), hours=1)
    bridge = article(
        "C", "https://c.vn/3.html", "Buýt điện", content=html(BUS[3:] + BUS[:3]), hours=2
    )
    assert _batch(summary, full, bridge) == [[0, 1, 2]]


def _stored(db) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {r["id"]: (r["story_id"], r["match"]) for r in db.query("select * from articles")}


def test_a_batch_is_placed_as_its_articles_one_by_one(tmp_path: Path) -> None:
    """Deduper.place_all() asks the store once per batch; what the batch itself adds
    (repeated entries, URLs, texts and titles, merges) must count as it would alone."""
    summary = article(
        "A", "https://a.vn/1.html", "Buýt điện: thêm tuyến", summary=" ".join(BUS[3:])
    )
    batch = [
        summary,  # these two stay apart, until the third bridges them: a merge
        article("B", "https://b.vn/2.html", "Ba tuyến buýt điện mới", content=html(BUS), hours=1),
        article("C", "https://c.vn/3.html", "Buýt điện", content=html(BUS[3:] + BUS[:3]), hours=2),
        ORIGINAL,
        *COPIES.values(),
        *(item for pair in NEAR_MISSES.values() for item in pair),
        ORIGINAL,  # the same entry twice in one document
        replace(summary, summary="<p>Đã sửa</p>", content_hash="changed"),
    ]
    one_by_one, batched = open_store(tmp_path / "a.db"), open_store(tmp_path / "b.db")
    alone = Deduper(DedupSettings())
    with one_by_one.atomic():
        placed_alone = [alone.place(one_by_one, item, now=NOW) for item in batch]
    together = Deduper(DedupSettings())
    with batched.atomic():
        half = len(batch) // 2  # two batches: the second sees the first in the store
        counts = together.place_all(batched, batch[:half], now=NOW)
        counts += together.place_all(batched, batch[half:], now=NOW)
    assert counts == Counter(placed_alone)
    assert _stored(batched) == _stored(one_by_one)
    assert Placement.UNCHANGED in placed_alone and Placement.UPDATED in placed_alone
    assert next(batched.query("select count(*) as n from story_aliases"))["n"] == 1


def test_shingle_cache_keeps_to_its_budget_and_the_most_recent() -> None:
    import numpy as np

    from feeds.similarity import ShingleCache

    cache = ShingleCache(budget=3 * (400 + ShingleCache.OVERHEAD))
    for n in range(5):
        cache.put(f"a{n}", np.arange(100, dtype=np.uint32) + n)  # 400 bytes each
    assert list(cache.sets) == ["a2", "a3", "a4"]
    assert cache.used <= cache.budget
    assert cache.get("a2", "").tolist() == (np.arange(100) + 2).tolist()  # a hit, now newest
    cache.put("a5", np.arange(100, dtype=np.uint32))
    assert list(cache.sets) == ["a4", "a2", "a5"]
    text = "Giá vàng miếng SJC tăng mạnh trong phiên sáng nay tại Hà Nội"
    assert cache.get("a6", text).size > 0  # a miss: computed from the text
    assert (cache.hits, cache.misses) == (1, 1)
    assert cache.used <= cache.budget


def test_story_ids_are_uuid5_of_the_first_article() -> None:
    import random
    import uuid

    from feeds.dedup import new_story_id

    rng = random.Random(3)
    for n in range(2000):
        aid = f"{rng.getrandbits(128):032x}" if n % 2 else f"Nguồn {n}\nĐà Nẵng"
        assert new_story_id(aid) == str(uuid.uuid5(uuid.NAMESPACE_URL, f"feeds:story:{aid}"))


def test_a_feed_fetched_again_asks_only_about_its_new_entries(tmp_path: Path) -> None:
    """Stored entries of a batch are never matched against others (they are updated in
    place, or left alone), so Known looks up neighbours for the new ones only."""
    from feeds.dedup import article_id
    from feeds.known import Known

    db = open_store(tmp_path / "feeds.db")
    deduper = Deduper(DedupSettings())
    first = [ORIGINAL, *COPIES.values()]
    with db.atomic():
        deduper.place_all(db, first, now=NOW)
    deduper.catch_up(db)
    new = article("D", "https://d.vn/9.html", "Một tin khác hẳn", content=html(BUS), hours=3)
    again = [*first, new]
    known = Known(
        db, again, [article_id(a.source, a.guid) for a in again], window=DedupSettings().window
    )
    assert set(known.urls) <= {new.url}
    assert set(known.bands) <= set(new.keys)
    assert set(known.titles) <= {new.title_key}
    with db.atomic():
        counts = deduper.place_all(db, again, now=NOW)
    assert counts[Placement.UNCHANGED] == len(first)
    assert counts[Placement.NEW] + counts[Placement.DUPLICATE] == 1


def test_the_band_index_written_ahead_changes_no_placement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """index_ahead() writes buffered articles' keys to the index mid-cycle and keeps
    them in the buffer: the index is asked about rowids up to `through` only, so an
    article is never a neighbour twice, and every story comes out the same."""
    from feeds import dedup
    from feeds.dedup import article_id
    from feeds.known import Known

    monkeypatch.setattr(dedup, "INDEX_AHEAD", 2)  # chunks of 2 articles,
    monkeypatch.setattr(dedup, "INDEX_STEP", 50)  # in steps of 50 entries (of 64 each)

    copies = list(COPIES.values())
    batches = [
        copies[:4],
        [item for pair in NEAR_MISSES.values() for item in pair],
        copies[4:],
    ]

    def run(name: str, *, ahead: bool):  # type: ignore[no-untyped-def]
        db = open_store(tmp_path / f"{name}.db")
        deduper = Deduper(DedupSettings())
        deduper.catch_up(db)
        with db.atomic():
            deduper.place_all(db, [ORIGINAL], now=NOW)
        deduper.catch_up(db)  # the week is indexed: later batches ask the store too
        written = 0
        for batch in batches:
            with db.atomic():
                deduper.place_all(db, batch, now=NOW)
            while ahead and deduper.index_ahead(db):
                written += 1
        assert deduper.through is not None
        if ahead:
            assert written and indexes.mark(db, "keys") > deduper.through
            probe = [article("E", "https://e.vn/1.html", T_BUS, content=html(BUS), hours=9)]
            known = Known(
                db,
                probe,
                [article_id(a.source, a.guid) for a in probe],
                window=DedupSettings().window,
                through=deduper.through,
            )
            assert known.bands  # the original, indexed before
            assert all(r <= deduper.through for rows in known.bands.values() for r, _ in rows)
        deduper.catch_up(db)
        return db

    ahead, plain = run("ahead", ahead=True), run("plain", ahead=False)
    assert _stored(ahead) == _stored(plain)
    count = "select count(*) as n from article_bands"
    assert next(ahead.query(count))["n"] == next(plain.query(count))["n"] > 0
