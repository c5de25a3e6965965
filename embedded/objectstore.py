"""A small S3-compatible object store on local disk: the durable storage behind the embedded broker.

Why not s3rver (architecture.md's first choice): tansu's s3 engine lists every record batch of a
partition on each fetch. Measured here, s3rver 3.7.1 takes ~110 ms per 1,000-key page and answers
HTTP 500 past 1,000 keys on Node 20 (its continuation token uses a cipher OpenSSL 3 refuses), so a
partition stops being readable after about a thousand batches. SeaweedFS works but needs a dozen
ports and ~400 MB. This store keeps a sorted in-memory index of keys, so a listing page costs
about a millisecond, writes every object atomically (temporary file, fsync, rename) and honours the
conditional writes tansu relies on for its watermarks and group state (`If-None-Match: *`,
`If-Match: <etag>`).

What tansu 0.6.0 asks of it (tansu-storage/src/dynostore.rs): a produce reads and rewrites the
partition's watermark.json (If-None-Match, then If-Match) and creates `records/<offset>.batch`; a
fetch below the high watermark lists the partition's `records/` prefix whole (object_store's `list`:
no start-after, no max-keys) and reads the batches from the fetch offset, keeping only what it listed
before the fetch's wait ran out. A fetch's cost therefore grows with the partition's batch objects
(about 10 µs a key inside tansu), and once the listing outlasts the consumer's wait the fetch answers
nothing: fewer, larger batches are what keeps a long log readable, not a faster listing. The whole
listing is one answer, kept until a write under its prefix (`list_objects`), so the store's own
share is a few microseconds; `--request-log` records every request and its cost.

Supported: ListObjectsV2 (prefix, delimiter, start-after, continuation-token, max-keys), GET (with
a single byte range), HEAD, PUT, DELETE, and bucket HEAD/PUT. There is no authentication: it binds
to loopback and is meant for the embedded stack only.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import hashlib
import os
import re
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_XML_NS = "http://s3.amazonaws.com/doc/2006-03-01/"


@dataclass(frozen=True)
class ObjectInfo:
    etag: str
    size: int
    modified: float
    listing: str  # the object's <Contents> element, built once: tansu lists whole partitions per fetch


@dataclass
class Bucket:
    keys: list[str] = field(default_factory=list)  # sorted, for listing by prefix
    objects: dict[str, ObjectInfo] = field(default_factory=dict)
    # Whole listings of a prefix (no delimiter, start or page size), as answered: tansu asks for the
    # same partition's listing on every fetch. A write or delete under the prefix drops it.
    listings: dict[str, bytes] = field(default_factory=dict)

    def put(self, key: str, info: ObjectInfo) -> None:
        if key not in self.objects:
            bisect.insort(self.keys, key)
        self.objects[key] = info
        self._changed(key)

    def delete(self, key: str) -> None:
        if self.objects.pop(key, None) is not None:
            del self.keys[bisect.bisect_left(self.keys, key)]
            self._changed(key)

    def _changed(self, key: str) -> None:
        stale = [prefix for prefix in self.listings if key.startswith(prefix)]
        for prefix in stale:
            del self.listings[prefix]

    def span(self, prefix: str, after: str) -> tuple[int, int]:
        """The index positions of the keys under `prefix` (all keys for ""), past `after` if given."""
        start = bisect.bisect_left(self.keys, prefix)
        if after:  # continue after the last key returned, but never before the prefix
            start = max(start, bisect.bisect_right(self.keys, after))
        end = bisect.bisect_left(self.keys, _successor(prefix)) if prefix else len(self.keys)
        return start, max(start, end)


def _successor(prefix: str) -> str:
    """The least string above every string starting with `prefix` (a non-empty prefix)."""
    last = ord(prefix[-1])
    if last == 0x10FFFF:
        return _successor(prefix[:-1]) if len(prefix) > 1 else "\U0010ffff" * 2
    return prefix[:-1] + chr(last + 1)


class ObjectStore:
    """Objects live at `<root>/<bucket>/<key>`; the index is rebuilt from disk at start."""

    def __init__(self, root: Path, *, fsync: bool = True) -> None:
        self.root = root
        self.fsync = fsync
        self.tmp = root / ".tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.buckets: dict[str, Bucket] = {}
        for bucket_dir in sorted(p for p in root.iterdir() if p.is_dir() and p != self.tmp):
            bucket = self.buckets.setdefault(bucket_dir.name, Bucket())
            for path in bucket_dir.rglob("*"):
                if path.is_file():
                    key = path.relative_to(bucket_dir).as_posix()
                    bucket.put(key, _info(key, path.read_bytes(), path.stat().st_mtime))

    def path_of(self, bucket: str, key: str) -> Path:
        return self.root / bucket / key

    def create_bucket(self, name: str) -> None:
        (self.root / name).mkdir(exist_ok=True)
        self.buckets.setdefault(name, Bucket())

    def write(self, bucket: str, key: str, data: bytes) -> ObjectInfo:
        target = self.path_of(bucket, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = self.tmp / uuid.uuid4().hex
        with staging.open("wb") as f:
            f.write(data)
            if self.fsync:
                f.flush()
                os.fsync(f.fileno())
        staging.replace(target)
        if self.fsync:
            _fsync_dir(target.parent)
        info = _info(key, data, target.stat().st_mtime)
        self.buckets[bucket].put(key, info)
        return info

    def remove(self, bucket: str, key: str) -> None:
        self.path_of(bucket, key).unlink(missing_ok=True)
        self.buckets[bucket].delete(key)


def _info(key: str, data: bytes, modified: float) -> ObjectInfo:
    etag = f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"'
    stamp = datetime.fromtimestamp(modified, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    listing = (
        f"<Contents><Key>{escape(key)}</Key><LastModified>{stamp}</LastModified>"
        f"<ETag>{escape(etag)}</ETag><Size>{len(data)}</Size><StorageClass>STANDARD</StorageClass></Contents>"
    )
    return ObjectInfo(etag=etag, size=len(data), modified=modified, listing=listing)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")  # S3's rules, less dots: no '.' or '..'


def _valid_key(key: str) -> bool:
    parts = key.split("/")
    return bool(key) and all(p not in ("", ".", "..") for p in parts) and not key.startswith(".tmp")


def _error(status: int, code: str, message: str) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
        f"<Message>{escape(message)}</Message></Error>"
    ).encode()
    return status, body, [(b"content-type", b"application/xml")]


Response = tuple[int, bytes, list[tuple[bytes, bytes]]]


class S3App:
    """The ASGI application serving an ObjectStore."""

    def __init__(self, store: ObjectStore, request_log: TextIO | None = None) -> None:
        self.store = store
        self.request_log = request_log  # a line per request: what the broker asks of its store, and its cost

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = {k: v[0] for k, v in parse_qs(scope["query_string"].decode(), keep_blank_values=True).items()}
        bucket, _, key = scope["path"].lstrip("/").partition("/")
        began = time.perf_counter()
        status, payload, extra = self.handle(scope["method"], bucket, key, query, headers, bytes(body))
        if self.request_log is not None:
            took = (time.perf_counter() - began) * 1000
            self.request_log.write(
                f"{time.time():.6f}\t{scope['method']}\t{scope['path']}\t{scope['query_string'].decode()}"
                f"\t{status}\t{took:.3f}\t{len(payload)}\n"
            )
        if not any(name == b"content-length" for name, _ in extra):  # HEAD states the object's own length
            extra.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": payload})

    def handle(
        self, method: str, bucket: str, key: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> Response:
        if not bucket:
            return _error(400, "InvalidRequest", "this store serves bucket and object requests only")
        if not _BUCKET_NAME.match(bucket):
            return _error(400, "InvalidBucketName", f"unsupported bucket name {bucket!r}")
        if not key:
            return self.bucket_request(method, bucket, query)
        if bucket not in self.store.buckets:
            return _error(404, "NoSuchBucket", f"bucket {bucket} does not exist")
        if not _valid_key(key):
            return _error(400, "InvalidArgument", f"unsupported object key {key!r}")
        objects = self.store.buckets[bucket].objects
        current = objects.get(key)
        if method == "PUT":
            if "x-amz-copy-source" in headers:
                return _error(501, "NotImplemented", "copy is not supported")
            if headers.get("if-none-match") == "*" and current is not None:
                return _error(412, "PreconditionFailed", "object already exists")
            if "if-match" in headers and (current is None or current.etag != headers["if-match"]):
                return _error(412, "PreconditionFailed", "object changed since it was read")
            try:
                info = self.store.write(bucket, key, body)
            except (IsADirectoryError, NotADirectoryError, FileExistsError):
                # Keys are paths on disk, so "a" and "a/b" cannot both exist (tansu never needs both).
                return _error(409, "KeyConflict", f"{key!r} clashes with another key's path in this store")
            return 200, b"", [(b"etag", info.etag.encode())]
        if method == "DELETE":
            self.store.remove(bucket, key)
            return 204, b"", []
        if method not in ("GET", "HEAD"):
            return _error(405, "MethodNotAllowed", f"{method} is not supported on objects")
        if current is None:
            return _error(404, "NoSuchKey", f"no object {key}")
        if "if-match" in headers and headers["if-match"] not in ("*", current.etag):
            return _error(412, "PreconditionFailed", "object changed")
        if headers.get("if-none-match") == current.etag:
            return 304, b"", [(b"etag", current.etag.encode())]
        meta = [
            (b"etag", current.etag.encode()),
            (b"last-modified", formatdate(current.modified, usegmt=True).encode()),
            (b"content-type", b"application/octet-stream"),
        ]
        if method == "HEAD":
            return 200, b"", [*meta, (b"content-length", str(current.size).encode())]
        data = self.store.path_of(bucket, key).read_bytes()
        if "range" in headers:
            try:
                first, last = _byte_range(headers["range"], len(data))
            except ValueError:
                return _error(416, "InvalidRange", f"unreadable range {headers['range']!r}")
            if first > last:
                return _error(416, "InvalidRange", "the requested range is not satisfiable")
            content_range = f"bytes {first}-{last}/{len(data)}".encode()
            return 206, data[first : last + 1], [*meta, (b"content-range", content_range)]
        return 200, data, meta

    def bucket_request(self, method: str, bucket: str, query: dict[str, str]) -> Response:
        if method == "PUT":
            self.store.create_bucket(bucket)
            return 200, b"", []
        if bucket not in self.store.buckets:
            return _error(404, "NoSuchBucket", f"bucket {bucket} does not exist")
        if method == "HEAD":
            return 200, b"", []
        if method == "GET" and query.get("list-type") == "2":
            return 200, self.list_objects(bucket, query), [(b"content-type", b"application/xml")]
        return _error(501, "NotImplemented", "only ListObjectsV2 is supported on buckets")

    def list_objects(self, bucket: str, query: dict[str, str]) -> bytes:
        """ListObjectsV2. Without max-keys the whole listing is one page, which tansu (object_store's
        `list`, following NextContinuationToken) takes as it takes pages, and the page is kept for the
        next fetch: it asks the same partition's listing on every fetch, where S3's 1,000-key pages cost
        this store ~2 ms each (10 % of a core over a long partition). A client that asks for a page size
        gets pages of at most 1,000 keys, as from S3, and so does a listing without a prefix."""
        index = self.store.buckets[bucket]
        prefix = query.get("prefix", "")
        delimiter = query.get("delimiter", "")
        after = query.get("continuation-token") or query.get("start-after") or ""
        # A listing of the whole bucket (tansu's ping at start) keeps S3's page: it would hold every key.
        bounded = "max-keys" in query or not prefix
        whole = not (delimiter or after or bounded)
        if whole and prefix in index.listings:
            return index.listings[prefix]
        max_keys = max(0, min(int(query.get("max-keys", "1000")), 1000)) if bounded else None
        start, end = index.span(prefix, after)
        contents: list[str] = []
        common: list[str] = []
        last = ""
        truncated = False
        if not delimiter:
            stop = end if max_keys is None else min(end, start + max_keys)
            contents = [index.objects[key].listing for key in index.keys[start:stop]]
            truncated = stop < end
            last = index.keys[stop - 1] if truncated else ""
        position = start
        while delimiter and position < end:
            if max_keys is not None and len(contents) + len(common) == max_keys:
                truncated = True
                break
            key = index.keys[position]
            rest = key[len(prefix) :]
            if delimiter in rest:
                group = prefix + rest[: rest.index(delimiter) + len(delimiter)]
                common.append(group)
                last = group + "\U0010ffff"  # skip every key under this common prefix
                position = bisect.bisect_right(index.keys, last)
                continue
            contents.append(index.objects[key].listing)
            last = key
            position += 1
        parts = [
            f'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="{_XML_NS}">',
            f"<Name>{escape(bucket)}</Name><Prefix>{escape(prefix)}</Prefix>",
            f"<KeyCount>{len(contents) + len(common)}</KeyCount>",
            f"<MaxKeys>{max_keys if max_keys is not None else len(contents) + len(common)}</MaxKeys>",
            f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>",
        ]
        if delimiter:
            parts.append(f"<Delimiter>{escape(delimiter)}</Delimiter>")
        if "continuation-token" in query:
            parts.append(f"<ContinuationToken>{escape(query['continuation-token'])}</ContinuationToken>")
        if truncated:
            parts.append(f"<NextContinuationToken>{escape(last)}</NextContinuationToken>")
        parts.extend(contents)
        parts.extend(f"<CommonPrefixes><Prefix>{escape(p)}</Prefix></CommonPrefixes>" for p in common)
        parts.append("</ListBucketResult>")
        page = "".join(parts).encode()
        if whole:
            index.listings[prefix] = page
        return page


def _byte_range(header: str, size: int) -> tuple[int, int]:
    spec = header.removeprefix("bytes=").split(",")[0].strip()
    start, _, end = spec.partition("-")
    if not start:  # suffix range: the last N bytes
        return max(0, size - int(end)), size - 1
    return int(start), min(int(end), size - 1) if end else size - 1


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    from shared.mechanics.idle_server import Server

    parser = argparse.ArgumentParser(
        prog="python -m embedded.objectstore", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--root", type=Path, required=True, help="directory holding the buckets")
    parser.add_argument("--bucket", action="append", default=[], help="bucket to create at start")
    parser.add_argument("--no-fsync", action="store_true", help="skip fsync (faster, not crash-safe)")
    parser.add_argument(
        "--request-log",
        type=Path,
        default=os.environ.get("JIP_OBJECTSTORE_REQUEST_LOG") or None,
        help="append a line per request (unix time, method, path, query, status, ms to answer, bytes "
        "answered; tab-separated) to this file (default: $JIP_OBJECTSTORE_REQUEST_LOG, else none)",
    )
    args = parser.parse_args(argv)
    args.root.mkdir(parents=True, exist_ok=True)
    store = ObjectStore(args.root, fsync=not args.no_fsync)
    for name in args.bucket:
        store.create_bucket(name)
    request_log = args.request_log.open("a", buffering=1) if args.request_log else None
    config = uvicorn.Config(
        S3App(store, request_log),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    with contextlib.suppress(KeyboardInterrupt):
        Server(config).run()  # uvicorn's server, with a tick a second while idle, not ten


if __name__ == "__main__":
    main()
