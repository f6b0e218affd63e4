"""Deterministic generator of a synthetic Vietnamese news corpus for benchmarks.

Writes ``--feeds`` feed files (about half RSS 2.0, half Atom 1.0) of
``--entries`` entries each into ``DIR/feeds/``, plus ``DIR/manifest.json``
listing the feeds and, for every "shared story" republished by several
outlets, the (feed, guid) pairs that carry it, so that deduplication quality
can be measured.  A quarter of all entries are such copies, varied the way
real republished news is: title prefixes/suffixes, a sentence dropped or
added, tracking parameters or another outlet's host in the link, NFD text.

The output depends only on the arguments: ``--seed`` and ``--now`` (the
anchor of the "last 7 days" window; by default today 00:00 +07:00).

    python benchmarks/corpus.py --out benchmarks/.corpus
"""

from __future__ import annotations

import argparse
import json
import random
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

VERSION = 1
DEFAULT_SEED = 20240917
ICT = timezone(timedelta(hours=7))
SHARED_FRACTION = 0.25
BODY_BYTES = (1150, 3072)  # HTML body size range; skewed up for ~175 MB in all
WINDOW = timedelta(days=7)


def _words(text: str) -> list[str]:
    """Split a vocabulary block; ``_`` joins the syllables of one word."""
    return [unicodedata.normalize("NFC", w.replace("_", " ")) for w in text.split()]


WORDS = _words(
    """
    và của là có được cho với các những một này đã đang sẽ không người trong
    khi để từ theo về tại đến ra vào trên dưới sau trước như nhưng cũng còn
    nhiều hơn rất lại đó nên vì do bị thì mà nếu hoặc cùng đều vẫn chỉ qua lên
    xuống nhằm gần khoảng hết thêm mỗi toàn trong_đó ngoài_ra bên_cạnh
    tuy_nhiên đồng_thời hiện_nay thời_gian năm_nay vừa_qua sắp_tới ngày tháng
    tuần sáng chiều tối hôm_nay hôm_qua đầu_năm cuối_năm
    chính_phủ quốc_hội thủ_tướng bộ_trưởng chủ_tịch lãnh_đạo cán_bộ đại_biểu
    cử_tri doanh_nghiệp kinh_tế thị_trường giá xăng dầu vàng chứng_khoán
    cổ_phiếu ngân_hàng lãi_suất tín_dụng vốn đầu_tư dự_án công_trình
    giao_thông tuyến_đường cầu cao_tốc sân_bay nhà_ga metro xe_buýt học_sinh
    sinh_viên giáo_viên nhà_trường đại_học kỳ_thi tuyển_sinh chương_trình
    bệnh_viện bác_sĩ bệnh_nhân sức_khỏe dịch_bệnh vắc_xin thuốc công_an
    lực_lượng cơ_quan điều_tra vụ_án bị_can tòa_án phiên_tòa người_dân
    gia_đình trẻ_em phụ_nữ thanh_niên nông_dân công_nhân người_lao_động
    việc_làm thu_nhập tiền_lương nhà_ở căn_hộ đất_đai môi_trường thời_tiết
    mưa bão lũ nắng_nóng không_khí nguồn_nước điện năng_lượng công_nghệ
    điện_thoại mạng_xã_hội dữ_liệu trí_tuệ_nhân_tạo chuyển_đổi_số du_lịch
    du_khách khách_sạn lễ_hội văn_hóa nghệ_thuật âm_nhạc bộ_phim ca_sĩ
    diễn_viên bóng_đá đội_tuyển cầu_thủ huấn_luyện_viên trận_đấu giải_đấu
    bàn_thắng khán_giả xuất_khẩu nhập_khẩu hàng_hóa sản_xuất nông_sản
    lúa_gạo cà_phê thủy_sản trái_cây hợp_tác quan_hệ ngoại_giao hội_nghị
    cuộc_họp kế_hoạch chính_sách quy_định dự_thảo luật nghị_định thông_tư
    đề_xuất ý_kiến báo_cáo số_liệu tỷ_lệ mức tăng_trưởng ngân_sách thuế phí
    hồ_sơ thủ_tục giấy_phép khu_vực địa_phương tỉnh thành_phố quận huyện xã
    phường thôn làng khu_phố chợ siêu_thị cửa_hàng nhà_máy khu_công_nghiệp
    cảng biển sông núi rừng đảo vùng_cao đồng_bằng biên_giới
    tăng giảm cho_biết cho_rằng khẳng_định nhấn_mạnh đề_nghị yêu_cầu chỉ_đạo
    triển_khai thực_hiện tổ_chức tham_gia hỗ_trợ phát_triển xây_dựng
    kiểm_tra xử_lý phát_hiện bắt_giữ khởi_tố công_bố ban_hành phê_duyệt
    ký_kết khai_trương khánh_thành tiếp_nhận chia_sẻ lo_ngại ghi_nhận đạt
    vượt giữ mở_rộng nâng_cao cải_thiện bảo_đảm ứng_phó khắc_phục di_dời
    sơ_tán cứu_hộ điều_chỉnh đánh_giá thảo_luận thống_nhất trao_đổi
    tiếp_tục hoàn_thành bắt_đầu kết_thúc dự_kiến đón chào_mừng quyết_định
    vận_hành thu_hút tiêu_thụ cung_cấp mua bán thuê sửa_chữa
    mới lớn nhỏ cao thấp mạnh nhanh chậm quan_trọng cần_thiết hiệu_quả
    an_toàn nghiêm_trọng khó_khăn thuận_lợi ổn_định tích_cực đáng_kể
    kịp_thời chặt_chẽ cụ_thể rõ_ràng phù_hợp đầy_đủ lần_đầu liên_tục
    gấp_rút thường_xuyên đặc_biệt chủ_yếu trực_tiếp
    """
)
PLACES = _words(
    """
    Hà_Nội TP.HCM Đà_Nẵng Hải_Phòng Cần_Thơ Huế Nha_Trang Quảng_Ninh Nghệ_An
    Thanh_Hóa Bình_Dương Đồng_Nai Lâm_Đồng Đà_Lạt Khánh_Hòa Quảng_Nam Hội_An
    Kiên_Giang Phú_Quốc An_Giang Cà_Mau Lào_Cai Sa_Pa Hà_Giang Bắc_Ninh
    Vĩnh_Phúc Ninh_Bình Hạ_Long Vũng_Tàu Gia_Lai Đắk_Lắk Buôn_Ma_Thuột
    quận_Hoàn_Kiếm quận_Cầu_Giấy TP_Thủ_Đức huyện_Đông_Anh Quận_1
    """
)
ORGS = _words(
    """
    UBND_TP_Hà_Nội UBND_TP.HCM UBND_tỉnh_Quảng_Nam Bộ_Công_Thương
    Bộ_Tài_chính Bộ_Y_tế Bộ_Giáo_dục_và_Đào_tạo Bộ_Giao_thông_Vận_tải
    Bộ_Công_an Bộ_Ngoại_giao Bộ_Tài_nguyên_và_Môi_trường Ngân_hàng_Nhà_nước
    Tổng_cục_Thống_kê Tổng_cục_Hải_quan Sở_Y_tế Sở_Giáo_dục_và_Đào_tạo
    HĐND_thành_phố Quốc_hội Chính_phủ Cục_Quản_lý_thị_trường EVN
    Liên_đoàn_Bóng_đá_Việt_Nam Viện_Kiểm_sát_nhân_dân_tối_cao
    Tòa_án_nhân_dân_TP.HCM Trung_tâm_Dự_báo_khí_tượng_thủy_văn_quốc_gia
    """
)
CATEGORIES = _words(
    """
    Thời_sự Kinh_tế Văn_hóa Xã_hội Thể_thao Giáo_dục Sức_khỏe Pháp_luật
    Thế_giới Công_nghệ Du_lịch Chuyển_động_Hà_Nội Giải_trí Bất_động_sản
    Đời_sống Khoa_học Kinh_doanh Môi_trường Xe Ý_kiến
    """
)
FAMILY = _words("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô")
MIDDLE = _words("Văn Thị Minh Đức Thu Ngọc Hữu Thanh Quang Hoài Bảo")
GIVEN = _words(
    "An Bình Hùng Lan Hương Mai Nam Phong Quân Trang Tuấn Linh Hà Dũng Hải "
    "Yến Khánh Long Thảo Vy Tâm Sơn Hiếu Nhung"
)
BRANDS = _words(
    """
    Báo_Sông_Hàn Báo_Phương_Nam Báo_Thủ_Đô_Mới Báo_Miền_Trung_Ngày_Nay
    Báo_Tây_Nguyên Báo_Đồng_Bằng Báo_Tin_Nhanh Báo_Đời_Sống_Số
    Tạp_chí_Kinh_Tế_Xanh Thời_báo_Phố_Hiến Báo_Cửu_Long Báo_Biển_Đông_Mới
    Tin_tức_Hồng_Lam Báo_Kinh_Bắc Báo_Duyên_Hải Báo_Người_Đưa_Tin_Mới
    """
)
TITLE_PREFIXES = ["[Video] ", "[Ảnh] ", "[Infographic] ", "[Trực tiếp] "]
UTM_SOURCES = ["rss", "feed", "zalo", "facebook", "google_news", "partner"]


def slugify(text: str, max_words: int = 10) -> str:
    """ASCII slug of a Vietnamese text: ``Đà Nẵng mở rộng`` -> ``da-nang-mo-rong``."""
    plain = unicodedata.normalize("NFD", text).replace("đ", "d").replace("Đ", "D")
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    words = "".join(c if c.isalnum() else " " for c in plain).split()
    return "-".join(words[:max_words])


CATEGORY_SLUGS = {name: slugify(name) for name in CATEGORIES}


@dataclass(slots=True)
class Feed:
    number: int
    format: str  # "rss" or "atom"
    brand: str
    category: str  # category name, one of CATEGORIES

    @property
    def id(self) -> str:
        return f"{self.number:04d}"

    @property
    def host(self) -> str:
        return f"outlet{self.number}.example.vn"

    @property
    def path(self) -> str:
        return f"feeds/{self.id}.xml"

    def guid(self, entry_id: int) -> str:
        if self.format == "rss":
            return f"outlet{self.number}-{entry_id}"
        return f"tag:{self.host},2024:{entry_id}"

    def link(self, slug: str, entry_id: int) -> str:
        return f"https://{self.host}/{slug}-{entry_id}.html"

    def manifest(self) -> dict[str, str]:
        return {
            "id": self.id,
            "path": self.path,
            "format": self.format,
            "name": f"Outlet {self.number}",
            "title": self.brand,
            "host": self.host,
            "category": CATEGORY_SLUGS[self.category],
        }


@dataclass(slots=True)
class Entry:
    guid: str
    link: str
    title: str
    summary: str
    body: str  # HTML
    image: str
    published: datetime
    category: str
    author: str


@dataclass(slots=True)
class Story:
    """A story republished by several outlets; carriers[0] is the original."""

    id: str
    title: str
    paragraphs: list[list[str]]
    image: str
    category: str
    author: str
    published: datetime
    origin_id: int
    carriers: list[Feed]


class TextGen:
    """Random Vietnamese-looking news text drawn from the vocabulary above."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name(self) -> str:
        return self.rng.choice(PLACES if self.rng.random() < 0.55 else ORGS)

    def number(self) -> str:
        r = self.rng
        return r.choice(
            [
                f"{r.randint(2, 95)}%",
                f"{r.randint(1, 9)}.{r.randint(100, 999)} tỷ đồng",
                f"ngày {r.randint(1, 28)}/{r.randint(1, 12)}",
                f"hơn {r.randint(2, 900)} người",
                f"{r.randint(2, 60)} km",
            ]
        )

    def sentence(self) -> str:
        r = self.rng
        words = r.choices(WORDS, k=r.randint(10, 24))
        if r.random() < 0.45:
            words.insert(r.randrange(len(words)), self.name())
        if r.random() < 0.25:
            words.insert(r.randrange(1, len(words)), self.number())
        if len(words) > 14:
            comma = r.randrange(5, len(words) - 4)
            words[comma] += ","
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def title(self) -> str:
        r = self.rng
        n = r.randint(8, 16)
        name = self.name().split() if r.random() < 0.6 else []
        if len(name) > n - 4:
            name = []
        words = " ".join(r.choices(WORDS, k=n)).split()[: n - len(name)]
        at = r.randrange(len(words) + 1)
        text = " ".join(words[:at] + name + words[at:])
        return text[0].upper() + text[1:]

    def paragraphs(self, budget: int) -> list[list[str]]:
        """Paragraphs of about ``budget`` bytes; the first (the lead) is short."""
        r = self.rng
        paras = [[self.sentence() for _ in range(r.randint(1, 2))]]
        size = sum(len(s.encode()) + 1 for s in paras[0])
        para: list[str] = []
        quota = r.randint(2, 5)
        while True:
            sentence = self.sentence()
            cost = len(sentence.encode()) + (1 if para else 8)
            if size + cost > budget and (para or len(paras) > 1):
                if size > budget - 150:
                    break
                continue  # too long to fit: try a shorter sentence
            para.append(sentence)
            size += cost
            if len(para) == quota:
                paras.append(para)
                para, quota = [], r.randint(2, 5)
        if para:
            paras.append(para)
        return paras

    def body(self, image: str, title: str, author: str) -> list[list[str]]:
        """Paragraphs for an HTML body (see render_body) of BODY_BYTES size."""
        overhead = len(render_body([[""]], image, title, author).encode())
        low, high = BODY_BYTES
        return self.paragraphs(int(self.rng.triangular(low, high, high)) - overhead)

    def author(self) -> str:
        r = self.rng
        return f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"

    def image(self, host: str, published: datetime, entry_id: int) -> str:
        return f"https://cdn.{host}/images/{published:%Y/%m/%d}/{entry_id}.jpg"


def render_body(paragraphs: list[list[str]], image: str, alt: str, author: str) -> str:
    lead = " ".join([f"<strong>{paragraphs[0][0]}</strong>", *paragraphs[0][1:]])
    parts = [f"<p>{lead}</p>"]
    parts.append(f'<figure><img src="{image}" alt={quoteattr(alt)}/></figure>')
    parts.extend(f"<p>{' '.join(p)}</p>" for p in paragraphs[1:])
    parts.append(f'<p style="text-align:right"><strong>{author}</strong></p>')
    return "\n".join(parts)


def new_entry(gen: TextGen, feed: Feed, entry_id: int, published: datetime) -> Entry:
    """A fresh, unique entry of ``feed`` (also used by the server's touch)."""
    title = gen.title()
    author = gen.author()
    image = gen.image(feed.host, published, entry_id)
    paragraphs = gen.body(image, title, author)
    category = feed.category if gen.rng.random() < 0.8 else gen.rng.choice(CATEGORIES)
    return Entry(
        guid=feed.guid(entry_id),
        link=feed.link(slugify(title), entry_id),
        title=title,
        summary=" ".join(paragraphs[0]),
        body=render_body(paragraphs, image, title, author),
        image=image,
        published=published,
        category=category,
        author=author,
    )


def copy_entry(story: Story, feed: Feed, entry_id: int, rng: random.Random) -> Entry:
    """The entry carrying ``story`` in ``feed``, with republishing variations."""
    origin = story.carriers[0]
    title, paragraphs, published = story.title, story.paragraphs, story.published
    link = origin.link(slugify(story.title), story.origin_id)
    nfd = False
    if feed is origin:
        entry_id = story.origin_id
    else:
        published += timedelta(minutes=rng.randint(5, 360))
        if rng.random() < 0.2:
            title = rng.choice(TITLE_PREFIXES) + title
        if rng.random() < 0.2:
            title = f"{title} | {feed.brand}"
        paragraphs = [list(p) for p in paragraphs]
        roll = rng.random()
        if roll < 0.25:  # drop one sentence (never from the lead)
            para = rng.choice([p for p in paragraphs[1:] if len(p) > 1] or paragraphs)
            para.pop(rng.randrange(len(para)))
        elif roll < 0.45:  # add one sentence
            para = rng.choice(paragraphs[1:] or paragraphs)
            para.insert(rng.randrange(len(para) + 1), TextGen(rng).sentence())
        roll = rng.random()
        utm = f"utm_source={rng.choice(UTM_SOURCES)}&utm_medium=referral"
        if roll < 0.2:  # links back to the original outlet's article
            link += f"?{utm}"
        else:
            link = feed.link(slugify(story.title), entry_id)
            if roll < 0.45:
                link += f"?{utm}&utm_campaign=tin-{story.id}"
        nfd = rng.random() < 0.15
    summary = " ".join(paragraphs[0])
    body = render_body(paragraphs, story.image, story.title, story.author)
    if nfd:
        parts = (title, summary, body)
        title, summary, body = (unicodedata.normalize("NFD", s) for s in parts)
    return Entry(
        guid=feed.guid(entry_id),
        link=link,
        title=title,
        summary=summary,
        body=body,
        image=story.image,
        published=published,
        category=story.category,
        author=story.author,
    )


def enclosure_length(e: Entry) -> int:
    return 20_000 + sum(e.image.encode()) * 37 % 180_000


def rss_item(feed: Feed, e: Entry) -> str:
    if feed.number % 2:
        author = f"<author>bientap@{feed.host} ({e.author})</author>"
    else:
        author = f"<dc:creator>{e.author}</dc:creator>"
    image = f'<img src="{e.image}" width="240"/>'
    teaser = f'<a href="{e.link}">{image}</a><br/>{e.summary}'
    return f"""    <item>
      <title>{escape(e.title)}</title>
      <link>{escape(e.link)}</link>
      <guid isPermaLink="false">{e.guid}</guid>
      <pubDate>{format_datetime(e.published)}</pubDate>
      <category>{e.category}</category>
      {author}
      <enclosure url="{e.image}" length="{enclosure_length(e)}" type="image/jpeg"/>
      <description><![CDATA[{teaser}]]></description>
      <content:encoded><![CDATA[{e.body}]]></content:encoded>
    </item>"""


def atom_entry(feed: Feed, e: Entry) -> str:
    stamp = e.published.isoformat()
    return f"""  <entry>
    <title type="text">{escape(e.title)}</title>
    <link rel="alternate" type="text/html" href={quoteattr(e.link)}/>
    <id>{e.guid}</id>
    <published>{stamp}</published>
    <updated>{stamp}</updated>
    <link rel="enclosure" type="image/jpeg" href="{e.image}" \
length="{enclosure_length(e)}"/>
    <author><name>{e.author}</name></author>
    <category term={quoteattr(e.category)}/>
    <summary type="text">{escape(e.summary)}</summary>
    <content type="html">{escape(e.body)}</content>
  </entry>"""


def render_feed(feed: Feed, entries: list[Entry], built: datetime) -> str:
    """The whole feed document; entries are expected newest first."""
    title = escape(f"{feed.brand} - {feed.category}")
    home = f"https://{feed.host}/"
    if feed.format == "rss":
        items = "\n".join(rss_item(feed, e) for e in entries)
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" \
xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{title}</title>
    <link>{home}</link>
    <description>Tin tức {escape(feed.category)} mới nhất</description>
    <language>vi</language>
    <lastBuildDate>{format_datetime(built)}</lastBuildDate>
    <ttl>15</ttl>
{items}
  </channel>
</rss>
"""
    items = "\n".join(atom_entry(feed, e) for e in entries)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">
  <title>{title}</title>
  <subtitle>Tin tức {escape(feed.category)} mới nhất</subtitle>
  <link rel="alternate" type="text/html" href="{home}"/>
  <id>{home}</id>
  <updated>{built.isoformat()}</updated>
{items}
</feed>
"""


def make_feeds(n: int, rng: random.Random) -> list[Feed]:
    formats = ["rss"] * (n // 2) + ["atom"] * (n - n // 2)
    rng.shuffle(formats)
    feeds = []
    for number, fmt in enumerate(formats, 1):
        feeds.append(Feed(number, fmt, rng.choice(BRANDS), rng.choice(CATEGORIES)))
    return feeds


def plan_stories(
    feeds: list[Feed], entries: int, rng: random.Random, anchor: datetime
) -> list[Story]:
    """Shared stories whose copies make up SHARED_FRACTION of all entries."""
    gen = TextGen(rng)
    remaining = int(len(feeds) * entries * SHARED_FRACTION)
    carried = dict.fromkeys(range(len(feeds)), 0)
    story_ids = rng.sample(range(6_000_000, 9_999_999), remaining // 2 + 1)
    stories: list[Story] = []
    while remaining >= 2:
        k = min(rng.randint(2, 5), remaining, len(feeds))
        if remaining - k == 1:
            k = k - 1 if k > 2 else k + 1
        free = [i for i, c in carried.items() if c < entries]
        chosen = rng.sample(free, min(k, len(free)))
        if len(chosen) < 2:
            break
        for i in chosen:
            carried[i] += 1
        remaining -= len(chosen)
        origin = feeds[chosen[0]]
        origin_id = story_ids[len(stories)]
        published = anchor - WINDOW + timedelta(seconds=rng.randint(0, 6 * 86400))
        title, author = gen.title(), gen.author()
        image = gen.image(origin.host, published, origin_id)
        stories.append(
            Story(
                id=f"s{len(stories) + 1:05d}",
                title=title,
                paragraphs=gen.body(image, title, author),
                image=image,
                category=rng.choice(CATEGORIES),
                author=author,
                published=published,
                origin_id=origin_id,
                carriers=[feeds[i] for i in chosen],
            )
        )
    return stories


def build_feed(
    feed: Feed, stories: list[Story], entries: int, seed: int, anchor: datetime
) -> tuple[str, dict[str, str]]:
    """Render one feed; returns its XML and a map story id -> guid it carries."""
    rng = random.Random(f"{seed}:{feed.number}")
    gen = TextGen(rng)
    # (published, story or None); fresh entry ids are assigned in time order
    slots: list[tuple[datetime, Story | None]] = [(s.published, s) for s in stories]
    span = int(WINDOW.total_seconds())
    slots += [
        (anchor - timedelta(seconds=rng.randint(60, span)), None)
        for _ in range(entries - len(stories))
    ]
    slots.sort(key=lambda slot: slot[0])
    next_id = rng.randint(1_000_000, 4_000_000)
    items: list[Entry] = []
    carried: dict[str, str] = {}
    for published, story in slots:
        next_id += rng.randint(1, 40)
        if story is None:
            items.append(new_entry(gen, feed, next_id, published))
        else:
            entry = copy_entry(story, feed, next_id, rng)
            carried[story.id] = entry.guid
            items.append(entry)
    items.sort(key=lambda e: e.published, reverse=True)
    return render_feed(feed, items, anchor), carried


def default_anchor() -> datetime:
    return datetime.now(ICT).replace(hour=0, minute=0, second=0, microsecond=0)


def generate(
    out: Path,
    *,
    seed: int = DEFAULT_SEED,
    feeds: int = 1000,
    entries: int = 50,
    anchor: datetime | None = None,
) -> dict[str, Any]:
    """Write the corpus into ``out`` and return its manifest."""
    anchor = (anchor or default_anchor()).astimezone(ICT)
    rng = random.Random(seed)
    feed_list = make_feeds(feeds, rng)
    stories = plan_stories(feed_list, entries, rng, anchor)
    by_feed: dict[int, list[Story]] = {f.number: [] for f in feed_list}
    for story in stories:
        for carrier in story.carriers:
            by_feed[carrier.number].append(story)

    (out / "feeds").mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").unlink(missing_ok=True)
    for old in (out / "feeds").glob("*.xml"):
        old.unlink()
    total_bytes = 0
    guids: dict[str, dict[str, str]] = {}
    for feed in feed_list:
        xml, carried = build_feed(feed, by_feed[feed.number], entries, seed, anchor)
        data = xml.encode()
        (out / feed.path).write_bytes(data)
        total_bytes += len(data)
        guids[feed.id] = carried

    manifest = {
        "version": VERSION,
        "seed": seed,
        "feeds_count": feeds,
        "entries_per_feed": entries,
        "anchor": anchor.isoformat(),
        "total_bytes": total_bytes,
        "shared_entries": sum(len(s.carriers) for s in stories),
        "categories": [{"slug": CATEGORY_SLUGS[n], "name": n} for n in CATEGORIES],
        "feeds": [f.manifest() for f in feed_list],
        "shared_stories": [
            {
                "id": s.id,
                "title": s.title,
                "carriers": [[c.id, guids[c.id][s.id]] for c in s.carriers],
            }
            for s in stories
        ],
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / ".corpus")
    parser.add_argument(
        "--now",
        type=datetime.fromisoformat,
        help="end of the 7-day window, ISO 8601 (default: today 00:00 +07:00)",
    )
    args = parser.parse_args(argv)
    if args.now is not None and args.now.tzinfo is None:
        args.now = args.now.replace(tzinfo=ICT)
    started = time.perf_counter()
    manifest = generate(
        args.out,
        seed=args.seed,
        feeds=args.feeds,
        entries=args.entries,
        anchor=args.now,
    )
    print(
        f"{manifest['feeds_count']} feeds x {manifest['entries_per_feed']} entries, "
        f"{len(manifest['shared_stories'])} shared stories "
        f"({manifest['shared_entries']} entries), "
        f"{manifest['total_bytes'] / 1e6:.1f} MB in {args.out} "
        f"({time.perf_counter() - started:.1f} s)"
    )


if __name__ == "__main__":
    main()
