"""The disk-backed S3-compatible store under the embedded broker, exercised without a server."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from embedded.objectstore import ObjectStore, S3App, _info

NS = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}
BUCKET = "tansu"


@dataclass(frozen=True)
class Listing:
    keys: list[str]
    etags: dict[str, str]
    sizes: dict[str, int]
    common_prefixes: list[str]
    truncated: bool
    next_token: str | None
    key_count: int


@pytest.fixture
def store(tmp_path: Path) -> ObjectStore:
    return ObjectStore(tmp_path / "root", fsync=False)


@pytest.fixture
def app(store: ObjectStore) -> S3App:
    app = S3App(store)
    status, _, _ = app.handle("PUT", BUCKET, "", {}, {}, b"")
    assert status == 200
    return app


def put(app: S3App, key: str, body: bytes, **headers: str) -> tuple[int, str | None]:
    status, _, extra = app.handle("PUT", BUCKET, key, {}, headers, body)
    return status, header(extra, "etag")


def get(app: S3App, key: str, **headers: str) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    return app.handle("GET", BUCKET, key, {}, headers, b"")


def header(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    return next((v.decode() for k, v in headers if k.decode().lower() == name), None)


def list_objects(app: S3App, bucket: str = BUCKET, **query: str) -> Listing:
    status, body, headers = app.handle("GET", bucket, "", {"list-type": "2", **query}, {}, b"")
    assert status == 200, body
    assert header(headers, "content-type") == "application/xml"
    root = ET.fromstring(body)
    contents = root.findall("s3:Contents", NS)
    token = root.find("s3:NextContinuationToken", NS)
    return Listing(
        keys=[c.findtext("s3:Key", "", NS) for c in contents],
        etags={c.findtext("s3:Key", "", NS): c.findtext("s3:ETag", "", NS) for c in contents},
        sizes={c.findtext("s3:Key", "", NS): int(c.findtext("s3:Size", "0", NS)) for c in contents},
        common_prefixes=[p.findtext("s3:Prefix", "", NS) for p in root.findall("s3:CommonPrefixes", NS)],
        truncated=root.findtext("s3:IsTruncated", "", NS) == "true",
        next_token=token.text if token is not None else None,
        key_count=int(root.findtext("s3:KeyCount", "-1", NS)),
    )


def list_all(app: S3App, **query: str) -> list[Listing]:
    pages = [list_objects(app, **query)]
    while pages[-1].truncated:
        token = pages[-1].next_token
        assert token
        pages.append(list_objects(app, **query, **{"continuation-token": token}))
        assert len(pages) < 100
    return pages


def test_put_then_get_returns_the_body_and_an_etag(app: S3App) -> None:
    status, etag = put(app, "topics/a/0000.batch", b"record batch")
    assert status == 200
    assert etag is not None
    assert etag.startswith('"')
    assert etag.endswith('"')
    status, body, headers = get(app, "topics/a/0000.batch")
    assert status == 200
    assert body == b"record batch"
    assert header(headers, "etag") == etag


def test_head_states_the_size_without_a_body(app: S3App) -> None:
    _, etag = put(app, "k", b"12345")
    status, body, headers = app.handle("HEAD", BUCKET, "k", {}, {}, b"")
    assert (status, body) == (200, b"")
    assert header(headers, "content-length") == "5"
    assert header(headers, "etag") == etag


def test_the_same_body_gives_the_same_etag_and_a_different_body_another(app: S3App) -> None:
    _, first = put(app, "a", b"same")
    _, second = put(app, "b", b"same")
    _, third = put(app, "c", b"other")
    assert first == second
    assert third != first


def test_get_of_a_missing_key_or_bucket_is_404(app: S3App) -> None:
    status, body, _ = get(app, "nothing-here")
    assert status == 404
    assert b"NoSuchKey" in body
    status, body, _ = app.handle("GET", "no-bucket", "k", {}, {}, b"")
    assert status == 404
    assert b"NoSuchBucket" in body


def test_if_none_match_star_on_an_existing_key_is_412_and_leaves_it_unchanged(app: S3App) -> None:
    _, etag = put(app, "watermark", b"offset=10")
    status, _ = put(app, "watermark", b"offset=99", **{"if-none-match": "*"})
    assert status == 412
    status, body, headers = get(app, "watermark")
    assert (status, body) == (200, b"offset=10")
    assert header(headers, "etag") == etag


def test_if_none_match_star_on_a_new_key_creates_it(app: S3App) -> None:
    status, etag = put(app, "fresh", b"v1", **{"if-none-match": "*"})
    assert status == 200
    assert etag is not None
    assert get(app, "fresh")[1] == b"v1"


def test_if_match_with_a_stale_etag_is_412_and_with_the_current_etag_succeeds(app: S3App) -> None:
    _, stale = put(app, "group-state", b"generation 1")
    _, current = put(app, "group-state", b"generation 2")
    assert stale != current
    status, _ = put(app, "group-state", b"lost update", **{"if-match": stale or ""})
    assert status == 412
    assert get(app, "group-state")[1] == b"generation 2"
    status, newest = put(app, "group-state", b"generation 3", **{"if-match": current or ""})
    assert status == 200
    assert newest not in (stale, current)
    assert get(app, "group-state")[1] == b"generation 3"


def test_if_match_on_a_missing_key_is_412(app: S3App) -> None:
    status, _ = put(app, "absent", b"x", **{"if-match": '"0123"'})
    assert status == 412
    assert get(app, "absent")[0] == 404


def test_a_page_size_pages_2500_keys_with_continuation_tokens(store: ObjectStore, app: S3App) -> None:
    expected = [f"clusters/c1/topics/t/partitions/0/records/{n:020d}.batch" for n in range(2500)]
    # Creating a file costs about 2 ms on this machine's disk, so most keys go straight into the
    # store's index (listing reads only the index); a few go through PUT like any other.
    through_put = set(expected[::500]) | {expected[-1]}
    index = store.buckets[BUCKET]
    for key in reversed(expected):  # out of order: the index must keep itself sorted
        if key in through_put:
            assert put(app, key, key.encode())[0] == 200
        else:
            index.put(key, _info(key, key.encode(), 0.0))
    put(app, "clusters/c1/other", b"outside the prefix")
    put(app, "aaa-before", b"outside the prefix")
    put(app, "zzz-after", b"outside the prefix")
    prefix = "clusters/c1/topics/t/"
    pages = list_all(app, prefix=prefix, **{"max-keys": "5000"})  # S3's pages: at most 1,000 keys
    assert [len(p.keys) for p in pages] == [1000, 1000, 500]
    assert [p.truncated for p in pages] == [True, True, False]
    assert [p.key_count for p in pages] == [1000, 1000, 500]
    assert pages[-1].next_token is None
    listed = [key for page in pages for key in page.keys]
    assert len(listed) == len(set(listed)) == 2500
    assert listed == expected  # every key, once, in order


def test_max_keys_pages_smaller_and_exactly_full_is_not_truncated(app: S3App) -> None:
    for n in range(10):
        put(app, f"k/{n}", b"x")
    pages = list_all(app, prefix="k/", **{"max-keys": "4"})
    assert [p.keys for p in pages] == [
        ["k/0", "k/1", "k/2", "k/3"],
        ["k/4", "k/5", "k/6", "k/7"],
        ["k/8", "k/9"],
    ]
    exact = list_objects(app, prefix="k/", **{"max-keys": "10"})
    assert len(exact.keys) == 10
    assert not exact.truncated


def test_prefix_and_delimiter_give_common_prefixes(app: S3App) -> None:
    for key in [
        "clusters/c1/topics/a/0",
        "clusters/c1/topics/a/1",
        "clusters/c1/topics/b/0",
        "clusters/c1/watermark",
        "clusters/c2/topics/z/0",
    ]:
        put(app, key, b"x")
    listing = list_objects(app, prefix="clusters/c1/", delimiter="/")
    assert listing.keys == ["clusters/c1/watermark"]
    assert listing.common_prefixes == ["clusters/c1/topics/"]
    listing = list_objects(app, prefix="clusters/c1/topics/", delimiter="/")
    assert listing.keys == []
    assert listing.common_prefixes == ["clusters/c1/topics/a/", "clusters/c1/topics/b/"]
    assert listing.key_count == 2
    top = list_objects(app, delimiter="/")
    assert top.common_prefixes == ["clusters/"]


def test_common_prefixes_page_without_repeating_a_prefix(app: S3App) -> None:
    for group in range(5):
        for n in range(3):
            put(app, f"p/{group}/{n}", b"x")
    pages = list_all(app, prefix="p/", delimiter="/", **{"max-keys": "2"})
    prefixes = [p for page in pages for p in page.common_prefixes]
    assert prefixes == [f"p/{g}/" for g in range(5)]


def test_a_new_store_over_the_same_directory_lists_the_same_keys_and_etags(
    tmp_path: Path, app: S3App
) -> None:
    for n in range(30):
        put(app, f"dir/{n % 3}/key-{n:03d}", f"body {n}".encode() * (n + 1))
    before = list_all(app, prefix="dir/")
    reopened = S3App(ObjectStore(tmp_path / "root", fsync=False))
    after = list_all(reopened, prefix="dir/")
    assert [p.keys for p in after] == [p.keys for p in before]
    assert [p.etags for p in after] == [p.etags for p in before]
    assert [p.sizes for p in after] == [p.sizes for p in before]
    assert len(after[0].keys) == 30
    assert get(reopened, "dir/2/key-029")[1] == b"body 29" * 30


@pytest.mark.parametrize(
    "key", ["../escape", "a/../../escape", "a/./b", "a//b", "..", ".tmp/abc", "/leading"]
)
def test_an_unsafe_key_is_rejected_with_400(tmp_path: Path, app: S3App, key: str) -> None:
    status, body, _ = app.handle("PUT", BUCKET, key, {}, {}, b"payload")
    assert status == 400
    assert b"InvalidArgument" in body
    assert not (tmp_path / "escape").exists()
    assert not (tmp_path / "root" / "escape").exists()
    assert list_objects(app).keys == []


def test_a_byte_range_returns_206_with_the_slice(app: S3App) -> None:
    data = bytes(range(256)) * 4
    put(app, "blob", data)
    status, body, headers = get(app, "blob", range="bytes=10-19")
    assert status == 206
    assert body == data[10:20]
    assert header(headers, "content-range") == f"bytes 10-19/{len(data)}"
    status, body, _ = get(app, "blob", range="bytes=1000-")
    assert (status, body) == (206, data[1000:])
    status, body, _ = get(app, "blob", range="bytes=-5")
    assert (status, body) == (206, data[-5:])
    status, body, _ = get(app, "blob", range="bytes=1020-5000")
    assert (status, body) == (206, data[1020:])


def test_an_unsatisfiable_range_is_416(app: S3App) -> None:
    put(app, "small", b"0123456789")
    status, _, _ = get(app, "small", range="bytes=50-60")
    assert status == 416


def test_delete_removes_the_object_from_listings_and_disk(tmp_path: Path, app: S3App) -> None:
    put(app, "d/keep", b"1")
    put(app, "d/drop", b"2")
    status, _, _ = app.handle("DELETE", BUCKET, "d/drop", {}, {}, b"")
    assert status == 204
    assert list_objects(app, prefix="d/").keys == ["d/keep"]
    assert get(app, "d/drop")[0] == 404
    assert not (tmp_path / "root" / BUCKET / "d" / "drop").exists()
    # A reopened store does not bring it back; deleting again is harmless.
    assert list_objects(S3App(ObjectStore(tmp_path / "root", fsync=False)), prefix="d/").keys == ["d/keep"]
    assert app.handle("DELETE", BUCKET, "d/drop", {}, {}, b"")[0] == 204


def test_bucket_head_and_missing_bucket_listing(app: S3App) -> None:
    assert app.handle("HEAD", BUCKET, "", {}, {}, b"")[0] == 200
    assert app.handle("HEAD", "other", "", {}, {}, b"")[0] == 404
    assert app.handle("GET", "other", "", {"list-type": "2"}, {}, b"")[0] == 404


def test_start_after_before_the_prefix_still_lists_the_prefix(app: S3App) -> None:
    for key in ["a/1", "b/1", "b/2"]:
        put(app, key, b"x")
    assert list_objects(app, prefix="b/", **{"start-after": "a"}).keys == ["b/1", "b/2"]


def test_a_bucket_named_dot_dot_cannot_write_outside_the_root(tmp_path: Path, app: S3App) -> None:
    bucket_status = app.handle("PUT", "..", "", {}, {}, b"")[0]
    object_status = app.handle("PUT", "..", "escaped", {}, {}, b"outside")[0]
    assert not (tmp_path / "escaped").exists()
    assert bucket_status >= 400
    assert object_status >= 400


def test_an_unreadable_range_is_a_clear_416(app: S3App) -> None:
    put(app, "k", b"0123456789")

    status, body, _ = get(app, "k", range="bytes=abc")

    assert status == 416
    assert b"unreadable range" in body


def test_a_key_that_clashes_with_another_keys_path_is_a_clear_409(app: S3App) -> None:
    assert put(app, "a/b", b"1")[0] == 200

    status, _ = put(app, "a", b"2")

    assert status == 409
    assert list_objects(app).keys == ["a/b"]


def batches(store: ObjectStore, partition: int, offsets: range) -> list[str]:
    """Record-batch keys as tansu names them, straight into the index (a file costs ~2 ms to create)."""
    keys = [f"clusters/c/topics/t/partitions/{partition:010d}/records/{n:020d}.batch" for n in offsets]
    for key in keys:
        store.buckets[BUCKET].put(key, _info(key, key.encode(), 0.0))
    return keys


def test_without_max_keys_every_key_of_a_prefix_is_one_page(store: ObjectStore, app: S3App) -> None:
    # What tansu's fetch asks (object_store's list: list-type=2&prefix=<partition>/records/, no max-keys),
    # on every fetch: the whole partition in one answer, in order, nothing to continue from.
    keys = batches(store, 1, range(0, 50_000, 10))
    batches(store, 0, range(3))
    batches(store, 2, range(3))
    [page] = list_all(app, prefix="clusters/c/topics/t/partitions/0000000001/records/")
    assert page.keys == keys
    assert (page.truncated, page.next_token, page.key_count) == (False, None, 5000)
    # without a prefix (tansu's ping lists the bucket and reads one key), S3's pages of 1,000
    assert [len(p.keys) for p in list_all(app)] == [1000, 1000, 1000, 1000, 1000, 6]


def test_a_whole_listing_follows_writes_and_deletes_under_its_prefix(store: ObjectStore, app: S3App) -> None:
    prefix = "clusters/c/topics/t/partitions/0000000000/records/"
    keys = batches(store, 0, range(0, 30, 10))
    assert list_objects(app, prefix=prefix).keys == keys
    put(app, f"{prefix}{30:020d}.batch", b"new batch")
    put(app, "clusters/c/topics/t/partitions/0000000000/watermark.json", b"{}")  # outside: kept
    assert list_objects(app, prefix=prefix).keys == [*keys, f"{prefix}{30:020d}.batch"]
    assert app.handle("DELETE", BUCKET, keys[0], {}, {}, b"")[0] == 204
    assert list_objects(app, prefix=prefix).keys == [*keys[1:], f"{prefix}{30:020d}.batch"]
    assert list_objects(app, prefix="clusters/c/topics/t/").keys[-1].endswith("watermark.json")


def test_start_after_and_continuation_list_only_later_keys(store: ObjectStore, app: S3App) -> None:
    prefix = "clusters/c/topics/t/partitions/0000000000/records/"
    keys = batches(store, 0, range(0, 100, 10))
    assert list_objects(app, prefix=prefix, **{"start-after": keys[6]}).keys == keys[7:]
    page = list_objects(app, prefix=prefix, **{"start-after": keys[2], "max-keys": "3"})
    assert (page.keys, page.truncated, page.next_token) == (keys[3:6], True, keys[5])
    rest = list_objects(app, prefix=prefix, **{"continuation-token": keys[5]})
    assert (rest.keys, rest.truncated) == (keys[6:], False)


async def test_the_request_log_has_a_line_per_request(store: ObjectStore, tmp_path: Path) -> None:
    path = tmp_path / "requests.log"
    with path.open("a") as log:
        app = S3App(store, log)
        app.handle("PUT", BUCKET, "", {}, {}, b"")
        sent: list[MutableMapping[str, Any]] = []

        async def receive() -> MutableMapping[str, Any]:
            return {"type": "http.request", "body": b"batch", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        for method, target, query in [
            ("PUT", "/tansu/r/1.batch", b""),
            ("GET", "/tansu", b"list-type=2&prefix=r/"),
        ]:
            scope = {"type": "http", "method": method, "path": target, "query_string": query, "headers": []}
            await app(scope, receive, send)
    lines = [line.split("\t") for line in path.read_text().splitlines()]
    assert [(m, p, q, status) for _, m, p, q, status, _, _ in lines] == [
        ("PUT", "/tansu/r/1.batch", "", "200"),
        ("GET", "/tansu", "list-type=2&prefix=r/", "200"),
    ]
    assert int(lines[1][6]) == len(sent[-1]["body"]) > 0
    assert float(lines[1][5]) >= 0
