"""Append-only schema steps, applied in order by open_store().

Never edit a step that has shipped: add a new one. Each step runs in its own
transaction together with the record that it ran.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from .indexes import WEEK_SECONDS

migrations = Migrations("feeds")


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        create table sources (
            name text primary key,
            url text not null,               -- as configured
            kind text not null,
            fetch_url text,                  -- where a permanent redirect sent us
            etag text,
            last_modified text,
            body_hash text,                  -- of the last body parsed: same body, no work
            failures integer not null default 0,
            last_fetch_at text,
            last_success_at text,
            last_status integer,
            last_error text,
            next_due_at text,                -- ISO-8601 UTC
            retry_after_until text,          -- a 429/503 asked us to wait until
            disabled_reason text             -- 410 Gone and the like
        );

        create table stories (
            id text primary key,             -- assigned once, published as urn:uuid:{id}
            article_id text not null,        -- the representative article
            published text not null,         -- the earliest article's
            updated text not null            -- last change to what the story publishes
        );
        create index stories_published on stories(published);

        create table articles (
            id text primary key,             -- hash of source and guid
            source text not null,
            guid text not null,
            url text not null,               -- canonical
            link text not null,
            title text not null,
            author text,
            summary text,
            content text,
            text text not null,
            text_hash text,
            content_hash text not null,
            published text not null,
            updated text,
            first_seen text not null,
            last_seen text not null,
            categories text not null,        -- JSON list of category slugs
            labels text not null,            -- JSON list of the source's own labels
            image_url text,
            image_type text,
            image_length integer,
            language text,
            story_id text not null references stories(id)
        );
        create index articles_url on articles(url);
        create index articles_text_hash on articles(text_hash);
        create index articles_story on articles(story_id);
        create index articles_source on articles(source, published);

        create table story_categories (
            story_id text not null references stories(id),
            category text not null,
            primary key (story_id, category)
        ) without rowid;
        create index story_categories_category on story_categories(category, story_id);

        create table fetch_log (
            id integer primary key,
            source text not null,
            at text not null,
            status text not null,            -- ok, not modified, failed, skipped
            http_status integer,
            ms integer,
            new integer not null default 0,
            updated integer not null default 0,
            duplicate integer not null default 0,
            error text
        );
        create index fetch_log_source on fetch_log(source, at);
        """
    )
    db.table("articles").enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")


@migrations()
def m002_source_feed_meta(db: Database) -> None:
    """What a feed says of itself: its title, and how often it asks to be read (RSS ttl)."""
    db.execute("alter table sources add column title text")
    db.execute("alter table sources add column ttl_minutes integer")


@migrations()
def m003_near_duplicates(db: Database) -> None:
    """What near-duplicate matching needs: LSH band keys, title keys, merge records."""
    db.executescript(
        """
        alter table articles add column shingles integer not null default 0;
        alter table articles add column title_key text not null default '';
        alter table articles add column match text;     -- JSON: how it joined its story
        alter table articles add column keys blob;      -- LSH band keys, little-endian int64
        create index articles_title_key on articles(title_key);

        create table article_keys (
            key integer not null,                       -- an LSH band of the text's MinHash
            article integer not null,                   -- articles.rowid
            primary key (key, article)
        ) without rowid;

        create table story_aliases (
            old_id text primary key,                    -- a story merged into another
            story_id text not null references stories(id)
        );
        """
    )


@migrations()
def m004_editor_picks(db: Database) -> None:
    """Links that source pages list under an editors' box ("Nổi bật", "Đừng bỏ lỡ")."""
    db.executescript(
        """
        create table picks (
            list_slug text not null,         -- the [[featured]] list the box feeds
            url text not null,               -- canonical URL of the picked article
            source text not null,            -- the source whose page showed the box
            heading text not null,           -- the box heading as written
            position integer not null,       -- 1 = first in the box
            first_seen text not null,
            last_seen text not null,
            primary key (list_slug, url, source)
        ) without rowid;
        create index picks_url on picks(url);
        """
    )


@migrations()
def m005_deferred_indexes(db: Database) -> None:
    """Full-text and LSH indexes caught up once per batch instead of once per row.

    A trigger per inserted article rewrote index pages in every source's
    transaction; indexing the new rows together at the end of a cycle writes
    each page once. `index_state` remembers the last article rowid each index
    holds, so an interrupted cycle is caught up by the next one.
    """
    db.executescript(
        """
        drop trigger if exists articles_ai;
        drop trigger if exists articles_au;
        create table index_state (
            name text primary key,            -- "fts" or "keys"
            last_rowid integer not null
        );
        insert into index_state (name, last_rowid)
            select 'fts', coalesce(max(rowid), 0) from articles;
        insert into index_state (name, last_rowid)
            select 'keys', coalesce(max(rowid), 0) from articles;
        """
    )


@migrations()
def m006_page_queue(db: Database) -> None:
    """Article pages of html and sitemap sources left for a later cycle by the per-cycle cap."""
    db.executescript(
        """
        create table page_queue (
            source text not null,
            url text not null,
            added text not null,
            primary key (source, url)
        ) without rowid;
        """
    )


@migrations()
def m007_publish_state(db: Database) -> None:
    """A fingerprint of what each published file was rendered from: unchanged, not rendered."""
    db.execute(
        """create table publish_state (
               path text primary key,
               fingerprint text not null
           ) without rowid"""
    )


@migrations()
def m008_story_outlets(db: Database) -> None:
    """How many outlets carried each story, kept with the story: featured lists rank by it."""
    db.executescript(
        """
        alter table stories add column outlets integer not null default 1;
        update stories set outlets = (
            select count(distinct source) from articles where story_id = stories.id
        );
        create index stories_outlets on stories(published) where outlets > 1;
        """
    )


@migrations()
def m009_bands_by_week(db: Database) -> None:
    """Band keys filed under the week the article was published, and title keys by time.

    Two reasons, both about a store that grows for years. New articles' keys
    land in the current week's part of the index instead of all over it, so
    writing them touches a few pages rather than most pages of a table that
    holds every article ever stored. And a candidate lookup reads only the weeks
    of the dedup window, so boilerplate bands shared by thousands of old
    articles cost nothing.
    """
    db.executescript(
        f"""
        create table article_bands (
            week integer not null,          -- published // {WEEK_SECONDS} (seconds since 1970 UTC)
            key integer not null,           -- an LSH band of the text's MinHash
            article integer not null,       -- articles.rowid
            primary key (week, key, article)
        ) without rowid;
        insert into article_bands (week, key, article)
            select cast(strftime('%s', a.published) as integer) / {WEEK_SECONDS}, k.key, k.article
            from article_keys k join articles a on a.rowid = k.article;
        drop table article_keys;
        drop index articles_title_key;
        create index articles_title_key on articles(title_key, published);
        """
    )


@migrations()
def m010_category_order(db: Database) -> None:
    """Each story's published time kept beside its categories, in newest-first order.

    A category's feed wants its 50 newest stories; walking every story newest
    first and asking each whether it is in the category read about twenty
    stories per item with twenty categories. A trigger keeps the copy in step
    when an earlier article moves a story's published time back.
    """
    db.executescript(
        """
        alter table story_categories add column published text not null default '';
        update story_categories
            set published = (select published from stories where id = story_id);
        create index story_categories_newest
            on story_categories(category, published desc, story_id);
        create trigger stories_published_moved after update of published on stories
            when new.published is not old.published
        begin
            update story_categories set published = new.published where story_id = new.id;
        end;
        """
    )


@migrations()
def m011_no_full_text_index(db: Database) -> None:
    """Drop the full-text index: no command searches it, and it was a fifth of the cost of
    storing a new article and an eighth of the database. The pages it held are free for
    new rows (`VACUUM` gives them back to the file system).
    """
    db.executescript(
        """
        drop trigger if exists articles_ad;
        drop table if exists articles_fts;
        delete from index_state where name = 'fts';
        """
    )


@migrations()
def m012_entry_hash(db: Database) -> None:
    """A hash of each article's entry as its document gave it (NewArticle.entry_hash): a
    feed fetched again is normalised for its new and changed entries only.

    The hash joins the (source, published) index, so a source's newest hashes are
    read from the index alone: from the table, each row's last column lies past its
    content, in overflow pages (42 ms a source in a store of 1,000,000 articles).
    """
    db.executescript(
        """
        alter table articles add column entry_hash text;
        drop index articles_source;
        create index articles_source on articles(source, published, entry_hash);
        """
    )


@migrations()
def m013_no_category_story_index(db: Database) -> None:
    """Drop the (category, story_id) index: a category's stories are read newest first
    from story_categories_newest (m010), and nothing else asks for them. Each new
    story filed it under each of its categories, a random insert into a third tree.
    """
    db.executescript("drop index if exists story_categories_category;")
