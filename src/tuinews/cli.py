"""Command line: the app, headless subcommands, exit codes.

Exit codes: 0 done (a refresh is done even when some feeds failed), 1 a
runtime failure (database, network as a whole), 2 a usage or config error,
130 interrupted.  Users see one line per problem, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tuinews import __version__, paths
from tuinews.config import Config, ConfigError, load
from tuinews.core.dates import age, iso_utc
from tuinews.core.models import Scored, View
from tuinews.errors import TuinewsError

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line instead of a usage dump on errors."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help="config file to use")

    parser = _Parser(
        prog="tuinews",
        description="A terminal news reader: the full article, cleanly, with the rest of the coverage beside it.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"tuinews {__version__}")
    parser.add_argument("--init", action="store_true", help="write a commented example config and exit")
    parser.add_argument("--demo", action="store_true", help="run offline on bundled sample feeds")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("refresh", parents=[common], help="fetch all feeds once and print one line per feed")
    p.add_argument("--feed", metavar="URL", action="append", help="only this feed (repeatable)")
    p.add_argument("--force", action="store_true", help="ignore back-off and server-requested waits")

    p = sub.add_parser("stories", parents=[common], help="list stored stories")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--unread", action="store_true", help="only unread stories")
    p.add_argument("--starred", action="store_true", help="only starred stories")
    p.add_argument("--feed", metavar="URL", help="only stories of this feed")
    p.add_argument("--limit", metavar="N", type=_positive, default=None, help="at most N stories")

    p = sub.add_parser(
        "search",
        parents=[common],
        help="search everything stored (titles, summaries, article text)",
        description=(
            'Search stored stories. Words must all match; word* is a prefix, "a phrase" matches in order, '
            "OR accepts either side, -word excludes. Qualifiers: feed:NAME tag:TAG topic:NAME "
            "unread:yes|no starred:yes|no."
        ),
    )
    p.add_argument("query", metavar="QUERY", nargs="+", help="words and qualifiers")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--limit", metavar="N", type=_positive, default=50, help="at most N results (default 50)")

    p = sub.add_parser(
        "import",
        parents=[common],
        help="add the feeds of an OPML file, a newsboat urls file or a nom config.yml",
        description="Append feeds from another reader to the config, keeping its comments; duplicates are skipped.",
    )
    p.add_argument("file", metavar="FILE", help="OPML 1/2, newsboat urls, or nom config.yml")
    p.add_argument("--dry-run", action="store_true", help="say what would be added, change nothing")
    p.add_argument(
        "--to-server",
        action="store_true",
        help="subscribe the [sync] server to the feeds (folders as labels) instead of adding them to the config",
    )

    p = sub.add_parser(
        "sync",
        parents=[common],
        help="sync with the [sync] server: push marks, pull subscriptions, new stories and read/starred state",
    )
    p.add_argument("--full", action="store_true", help="walk the whole reading list and re-read all state")

    p = sub.add_parser(
        "mark",
        parents=[common],
        help="mark stories read, unread, starred or unstarred (pushed to the [sync] server, if any)",
    )
    p.add_argument(
        "story_ids", metavar="STORY_ID", type=_positive, nargs="+", help="story ids (see `tuinews stories`)"
    )
    how = p.add_mutually_exclusive_group(required=True)
    for flag, state in (("read", "read"), ("unread", "unread"), ("star", "starred"), ("unstar", "unstarred")):
        how.add_argument(f"--{flag}", dest="how", action="store_const", const=flag, help=f"mark them {state}")

    sub.add_parser(
        "vacuum",
        parents=[common],
        help="delete old stories (keep_days, max_stories_per_feed) and compact the database",
    )

    p = sub.add_parser("export", parents=[common], help="write the configured feeds as OPML 2.0")
    p.add_argument("--opml", action="store_true", required=True, help="OPML 2.0 (the only format)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    p = sub.add_parser(
        "related",
        parents=[common],
        help="print a story's same-story, related and topic groups with scores",
    )
    p.add_argument("story_id", metavar="STORY_ID", type=_positive, help="a story id (see `tuinews stories`)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser(
        "extract",
        parents=[common],
        help="print a page's article as the reader shows it",
        description="Fetch (or read) a page, extract and clean its article, print what the reader pane shows.",
    )
    p.add_argument("source", metavar="PATH_OR_URL", help="an HTML file or an http(s) URL")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text", help="output format")
    p.add_argument("--width", metavar="N", type=_positive, default=None, help="wrap text at N columns")
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tuinews` command."""
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except ConfigError as exc:
        print(f"tuinews: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    except TuinewsError as exc:
        print(f"tuinews: {exc.message}", file=sys.stderr)
        return EXIT_FAIL
    except KeyboardInterrupt:
        print("tuinews: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: still one line, with a way to see more
        if os.environ.get("TUINEWS_DEBUG"):
            raise
        print(
            f"tuinews: internal error: {exc.__class__.__name__}: {exc} (set TUINEWS_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_FAIL


def _dispatch(args: argparse.Namespace) -> int:
    explicit = getattr(args, "config", None)
    if args.init:
        return _init(explicit)
    if args.demo:
        if args.command:
            raise ConfigError("--demo runs the app; it does not combine with a command")
        from tuinews.demo.run import run_demo

        return run_demo()
    if args.command == "extract":
        from tuinews.extract_cli import run_extract

        return run_extract(args.source, args.format, args.width, explicit)
    if args.command == "import" and not args.to_server:
        return _import(explicit, args.file, args.dry_run)
    config = load_config(explicit)
    if args.command == "import":
        from tuinews.sync.cli import import_to_server

        return import_to_server(config, args.file, args.dry_run)
    if args.command == "sync":
        from tuinews.sync.cli import run_sync

        return run_sync(config, args.full)
    if args.command == "mark":
        from tuinews.sync.cli import run_mark

        return run_mark(config, args.story_ids, args.how)
    if args.command == "export":
        return _export(config, args.output)
    if args.command == "vacuum":
        return _vacuum(config)
    if args.command == "refresh":
        return _refresh(config, args.feed, args.force)
    if args.command == "stories":
        return _stories(config, args)
    if args.command == "search":
        return _search(config, " ".join(args.query), args.json, args.limit)
    if args.command == "related":
        return _related(config, args.story_id, args.json)
    return _app(config)


def load_config(explicit: str | None) -> Config:
    """Find and load the config; a missing file says where it looked and how to start."""
    how, path = paths.config_candidates(explicit)[0]
    if not path.exists():
        where = {"--config": "given with --config", "$TUINEWS_CONFIG": "from $TUINEWS_CONFIG"}.get(
            how, "the default location"
        )
        raise ConfigError(
            f"no config file at {path} ({where}). "
            f"Run `tuinews --init{' --config ' + str(path) if how == '--config' else ''}` "
            "to write a commented example there, or try `tuinews --demo`."
        )
    config = load(path)
    for warning in config.warnings:
        print(f"tuinews: warning: {warning}", file=sys.stderr)
    return config


def _init(explicit: str | None) -> int:
    from tuinews.config import example_text

    _, path = paths.config_candidates(explicit)[0]
    if path.exists():
        raise ConfigError(f"{path} already exists; not overwriting it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(example_text(), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write: {exc.strerror or exc}") from None
    print(f"Wrote an example config to {path}")
    print("Edit its [[feeds]], then run `tuinews` (or `tuinews refresh` to fetch once).")
    return EXIT_OK


def _open_service(config: Config, db: Path | None = None):  # type: ignore[no-untyped-def]
    from tuinews.service import Service

    return Service.open(config, db or paths.db_path())


def _refresh(config: Config, only: list[str] | None, force: bool) -> int:
    if not config.feeds:
        print(f"tuinews: {config.path}: no [[feeds]] configured; nothing to refresh", file=sys.stderr)
        return EXIT_OK
    service = _open_service(config)
    try:
        if only:
            known = {f.url for f in config.feeds}
            unknown = [u for u in only if u not in known]
            if unknown:
                raise ConfigError(f"--feed {unknown[0]} is not a feed in {config.path}")
        return asyncio.run(_refresh_async(service, only, force))
    finally:
        service.close()


async def _refresh_async(service, only: list[str] | None, force: bool) -> int:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    counts = {"new": 0, "not_modified": 0, "skipped": 0, "error": 0}
    new_total = 0
    new_ids: list[int] = []
    try:
        async for outcome in service.refresh(only, force=force):
            counts[outcome.kind] += 1
            new_total += outcome.new_count
            new_ids.extend(outcome.new_ids)
            print(f"{outcome.url}: {outcome.line()}", flush=True)
        if service.config.settings.prefetch_articles and new_ids:
            fetched = await service.prefetch(new_ids)
            print(f"articles: fetched and stored {fetched} of {len(new_ids)} new stories", file=sys.stderr)
    finally:
        await service.aclose()
    took = time.monotonic() - started
    feeds = sum(counts.values())
    print(
        f"{feeds} feeds in {took:.1f} s: {new_total} new stories, {counts['not_modified']} not modified, "
        f"{counts['skipped']} skipped, {counts['error']} failed",
        file=sys.stderr,
    )
    return EXIT_OK


def _stories(config: Config, args: argparse.Namespace) -> int:
    service = _open_service(config)
    try:
        if args.feed and args.feed not in {f.url for f in config.feeds}:
            raise ConfigError(f"--feed {args.feed} is not a feed in {config.path}")
        view = View("feed", args.feed) if args.feed else View()
        filt = service.filter_for(view)
        filt = type(filt)(feed_ids=filt.feed_ids, unread=args.unread, starred=args.starred)
        rows = []
        after = None
        while args.limit is None or len(rows) < args.limit:
            page = service.store.story_rows(
                filt, after, 1000 if args.limit is None else min(1000, args.limit - len(rows))
            )
            if not page:
                break
            rows.extend(page)
            after = (page[-1].ts, page[-1].id)
        feed_urls = {f.id: f.url for f in service.feeds()}
    finally:
        service.close()
    if args.json:
        out = [
            {
                "id": r.id,
                "feed_url": feed_urls.get(r.feed_id),
                "feed_title": r.feed_title,
                "title": r.title,
                "link": r.link,
                "published": iso_utc(r.published),
                "read": r.read,
                "starred": r.starred,
            }
            for r in rows
        ]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    for r in rows:
        mark = "N" if not r.read else " "
        star = "*" if r.starred else " "
        print(f"{r.id:>7} {mark}{star} {age(r.ts):>4}  {r.feed_title[:24]:<24}  {r.title}")
    return EXIT_OK


def read_subscription_file(file: str):  # type: ignore[no-untyped-def]
    """The feeds of an OPML, newsboat or nom file (ConfigError when it cannot be read)."""
    from tuinews.io.subscriptions import read_subscriptions

    source = Path(file).expanduser()
    try:
        text = source.read_bytes().decode("utf-8-sig", errors="replace")
    except FileNotFoundError:
        raise ConfigError(f"{source}: no such file") from None
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read: {exc.strerror or exc}") from None
    return source, read_subscriptions(text, str(source))


def _import(explicit: str | None, file: str, dry_run: bool) -> int:
    source, result = read_subscription_file(file)
    _, config_path = paths.config_candidates(explicit)[0]
    if dry_run:
        known = {f.url for f in load(config_path).feeds} if config_path.exists() else set()
        added = [f for f in result.feeds if f.url not in known]
        duplicates = [f for f in result.feeds if f.url in known]
    else:
        from tuinews.config_edit import add_feeds

        added, duplicates = add_feeds(config_path, result.feeds)
    verb = "would add" if dry_run else "added"
    print(
        f"{source} ({result.format}): {verb} {len(added)} feed{'s' if len(added) != 1 else ''} to {config_path}, "
        f"{len(duplicates)} already there, {len(result.skipped)} skipped"
    )
    for feed in added:
        tags = f"  [{', '.join(feed.tags)}]" if feed.tags else ""
        print(f"  + {feed.url}{'  ' + feed.title if feed.title else ''}{tags}")
    for line in result.skipped:
        print(f"  skipped {line}")
    return EXIT_OK


def _vacuum(config: Config) -> int:
    service = _open_service(config)
    try:
        settings = config.settings
        pruned = service.store.prune(settings.keep_days, settings.max_stories_per_feed)
        before, after = service.store.vacuum()
        left = service.store.count()
    finally:
        service.close()
    print(
        f"Deleted {pruned:,} old stories (starred ones are kept); {left:,} remain. "
        f"Database: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB"
    )
    return EXIT_OK


def _export(config: Config, output: str | None) -> int:
    from tuinews.io.subscriptions import write_opml

    text = write_opml(config.feeds)
    if output:
        from tuinews.config_edit import write_atomically

        write_atomically(Path(output).expanduser(), text)
        print(f"Wrote {len(config.feeds)} feeds to {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _search(config: Config, text: str, as_json: bool, limit: int) -> int:
    service = _open_service(config)
    try:
        rows, query = service.search(text, limit)
        feed_urls = {f.id: f.url for f in service.feeds()}
    finally:
        service.close()
    if query.problems:
        raise ConfigError(f"search: {'; '.join(query.problems)}")
    if as_json:
        out = [
            {
                "id": r.id,
                "feed_url": feed_urls.get(r.feed_id),
                "feed_title": r.feed_title,
                "title": r.title,
                "link": r.link,
                "published": iso_utc(r.published if r.published is not None else r.ts),
                "read": r.read,
                "starred": r.starred,
            }
            for r in rows
        ]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    for r in rows:
        mark = "N" if not r.read else " "
        star = "*" if r.starred else " "
        print(f"{r.id:>7} {mark}{star} {age(r.ts):>4}  {r.feed_title[:24]:<24}  {r.title}")
    print(f"{len(rows)} result{'s' if len(rows) != 1 else ''}", file=sys.stderr)
    return EXIT_OK


def _row_json(item: Scored) -> dict[str, object]:
    r = item.row
    return {
        "id": r.id,
        "title": r.title,
        "link": r.link,
        "feed_title": r.feed_title,
        "published": iso_utc(r.published if r.published is not None else r.ts),
        "read": r.read,
        "score": item.score,
    }


def _related(config: Config, story_id: int, as_json: bool) -> int:
    service = _open_service(config)
    try:
        story = service.story(story_id)
        if story is None:
            raise ConfigError(f"no story with id {story_id} (see `tuinews stories`)")
        related = service.related(story_id)
    finally:
        service.close()
    if as_json:
        out = {
            "story": {
                "id": story.id,
                "title": story.title,
                "feed_title": story.feed_title,
                "link": story.link,
            },
            "same_story": [_row_json(i) for i in related.same_story],
            "related": [_row_json(i) for i in related.related],
            "topics": {name: [_row_json(i) for i in rows] for name, rows in related.topics},
        }
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    print(f"{story.id}  {story.title}  ({story.feed_title})")
    groups = [("Same story", related.same_story), ("Related", related.related)]
    groups += [(f"Topic: {name}", rows) for name, rows in related.topics]
    for title, rows in groups:
        print(f"\n{title} ({len(rows)})")
        for item in rows:
            r = item.row
            print(f"  {item.score:6.3f} {r.id:>7} {age(r.ts):>4}  {r.feed_title[:22]:<22}  {r.title}")
    return EXIT_OK


def _app(config: Config) -> int:
    from tuinews.ui.app import run_app

    service = _open_service(config)
    return run_app(service)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
