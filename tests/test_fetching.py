"""The safe fetcher against the local news server: what it refuses and what it lets in."""

from __future__ import annotations

import ipaddress
import re
import ssl

import pytest
from django.conf import settings

from claims import fetching
from claims.services.ingestion import fetch_policy

from . import http_server
from .http_server import TLS_CERT_PEM, TLS_HOST

# The local news server, as a fixture of this module.
news_server = http_server.news_server
tls_news_server = http_server.tls_news_server

LOCAL = fetching.FetchPolicy.build(
    allowed_hosts=["127.0.0.1"], connect_timeout=2, read_timeout=2, total_timeout=10
)

# Every spelling of an address that must never be fetched, with the port of the local
# server filled in: were one let through, the fetch would reach a live server.
SSRF_HOSTS = [
    "127.0.0.1",
    "127.0.0.1.",
    "localhost",
    "LOCALHOST",
    "2130706433",
    "0x7f000001",
    "0X7F000001",
    "127.1",
    "0177.0.0.1",
    "017700000001",
    "0x7f.0.0.1",
    "127.255.255.254",
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[::ffff:10.0.0.1]",
    "0.0.0.0",  # noqa: S104 - refused here, never bound
    "0",
    "[::]",
    "10.0.0.5",
    "172.16.3.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.254",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.10",
    "[fe80::1]",
    "[fc00::1]",
    "[fd12:3456::1]",
    "[ff02::1]",
    "[64:ff9b::7f00:1]",
    "[2002:7f00:1::1]",
    "[2001:db8::1]",
]


def test_default_settings_allow_no_host():
    assert settings.NEWSFACTS_FETCH_ALLOWED_HOSTS == []
    assert fetch_policy().allowed_hosts == frozenset()


@pytest.mark.parametrize("host", SSRF_HOSTS)
def test_fetch_refuses_non_public_address(news_server, host):
    url = f"http://{host}:{news_server.port}/news/floods.html"
    policy = fetching.FetchPolicy.build(
        allowed_hosts=settings.NEWSFACTS_FETCH_ALLOWED_HOSTS, connect_timeout=1
    )
    with pytest.raises(fetching.BlockedAddressError, match="not fetched for safety"):
        fetching.fetch(url, policy=policy)
    assert news_server.requests == []


@pytest.mark.parametrize(
    "host", [h for h in SSRF_HOSTS if fetching.ip_literal(h.strip("[]").rstrip(".")) is not None]
)
def test_literal_host_check_refuses_without_dns(host):
    with pytest.raises(fetching.BlockedAddressError):
        fetching.check_literal_host(host)


def test_literal_host_check_lets_names_and_allowed_hosts_pass():
    fetching.check_literal_host("news.ledger.example")
    fetching.check_literal_host("93.184.216.34")
    fetching.check_literal_host("127.0.0.1", allowed_hosts=["127.0.0.1"])
    fetching.check_literal_host("2130706433", allowed_hosts=["127.0.0.1"])


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.org/report.txt",
        "gopher://127.0.0.1:70/_GET",
        "javascript:alert(1)",
        "data:text/html,<p>80 killed</p>",
        "http://editor:secret@news.example.org/story",
        "http:///no-host",
        "http://news.example.org:99999/story",
    ],
)
def test_fetch_refuses_unfetchable_url(url):
    with pytest.raises(fetching.InvalidURLError):
        fetching.fetch(url, policy=fetching.FetchPolicy())


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_address_is_not_blocked(address):
    assert fetching.blocked_reason(ipaddress.ip_address(address)) is None


def test_fetch_allowlist_lets_test_server_through(news_server):
    result = fetching.fetch(news_server.url("/news/floods.html"), policy=LOCAL)

    assert result.status == 200
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert b"At least 80 people were killed" in result.body


def test_fetch_connects_to_checked_address_with_original_host_header(news_server):
    calls = []

    def resolver(host, port):
        calls.append(host)
        return ["127.0.0.1"]

    policy = fetching.FetchPolicy.build(allowed_hosts=["news.ledger.test"], resolver=resolver)
    result = fetching.fetch(f"http://news.ledger.test:{news_server.port}/go/floods", policy=policy)

    assert result.status == 200
    # Resolved once per hop (the redirect is a second hop), never again at connect time.
    assert calls == ["news.ledger.test", "news.ledger.test"]
    assert [hit.headers["host"] for hit in news_server.requests] == [
        f"news.ledger.test:{news_server.port}"
    ] * 2


def test_fetch_resolves_once_so_a_rebinding_answer_is_never_used(news_server):
    answers = iter([["93.184.216.34"], ["127.0.0.1"], ["127.0.0.1"]])
    calls = []

    def rebinding_resolver(host, port):
        calls.append(host)
        return next(answers)

    policy = fetching.FetchPolicy.build(
        resolver=rebinding_resolver, connect_timeout=0.5, read_timeout=0.5
    )
    # The checked public address is the one connected to; with no outside network
    # that fails, instead of reaching the local server through the second answer.
    with pytest.raises(fetching.FetchError) as caught:
        fetching.fetch(f"http://rebind.example:{news_server.port}/news/floods.html", policy=policy)

    assert not isinstance(caught.value, fetching.BlockedAddressError)
    assert calls == ["rebind.example"]
    assert news_server.requests == []


def test_fetch_https_verifies_certificate_for_original_name(tls_news_server):
    # The certificate names news.ledger.test only, not 127.0.0.1: it verifies only if
    # SNI and the hostname check use the name while the socket goes to the address.
    policy = fetching.FetchPolicy.build(
        allowed_hosts=[TLS_HOST],
        resolver=lambda host, port: ["127.0.0.1"],
        ssl_context=ssl.create_default_context(cadata=TLS_CERT_PEM),
    )
    result = fetching.fetch(
        f"https://{TLS_HOST}:{tls_news_server.port}/news/floods.html", policy=policy
    )

    assert result.status == 200
    assert b"Floods kill" in result.body
    assert tls_news_server.requests[0].headers["host"] == f"{TLS_HOST}:{tls_news_server.port}"


@pytest.mark.parametrize(
    ("host", "trusted"),
    [(TLS_HOST, False), ("other.ledger.test", True)],
    ids=["untrusted-certificate", "certificate-for-another-name"],
)
def test_fetch_https_refuses_a_certificate_it_cannot_trust(tls_news_server, host, trusted):
    # Trusted: the certificate is signed by a known authority, but for another name.
    context = {"ssl_context": ssl.create_default_context(cadata=TLS_CERT_PEM)} if trusted else {}
    policy = fetching.FetchPolicy.build(
        allowed_hosts=[host], resolver=lambda host, port: ["127.0.0.1"], **context
    )
    with pytest.raises(fetching.NetworkError, match="invalid security certificate"):
        fetching.fetch(f"https://{host}:{tls_news_server.port}/", policy=policy)
    assert tls_news_server.requests == []


def test_fetch_checks_every_resolved_address(news_server):
    policy = fetching.FetchPolicy.build(resolver=lambda host, port: ["93.184.216.34", "127.0.0.1"])

    with pytest.raises(fetching.BlockedAddressError, match="loopback"):
        fetching.fetch(f"http://mixed.example:{news_server.port}/", policy=policy)


def test_fetch_follows_redirect_to_good_page(news_server):
    result = fetching.fetch(news_server.url("/go/floods"), policy=LOCAL)

    assert result.url == news_server.url("/news/floods.html")
    assert result.redirects == (news_server.url("/go/floods"),)
    assert b"Floods kill" in result.body


@pytest.mark.parametrize("hop", ["metadata", "private", "localhost"])
def test_fetch_refuses_redirect_to_private_address(news_server, hop):
    with pytest.raises(fetching.BlockedAddressError, match="not fetched for safety"):
        fetching.fetch(news_server.url(f"/go/{hop}"), policy=LOCAL)
    assert news_server.hits["/news/floods.html"] == 0


@pytest.mark.parametrize(
    ("path", "error", "message", "hits"),
    [
        ("/go/file", fetching.InvalidURLError, "http:// or https://", {}),
        ("/go/loop-a", fetching.TooManyRedirectsError, "loop", {"/go/loop-a": 1}),
        (
            "/go/chain-5",
            fetching.TooManyRedirectsError,
            "more than 5 times",
            {"/news/floods.html": 0},
        ),
    ],
    ids=["to-file-url", "loop", "more-than-max"],
)
def test_fetch_refuses_bad_redirects(news_server, path, error, message, hits):
    with pytest.raises(error, match=message):
        fetching.fetch(news_server.url(path), policy=LOCAL)
    assert {target: news_server.hits[target] for target in hits} == hits


def test_fetch_follows_up_to_max_redirects(news_server):
    result = fetching.fetch(news_server.url("/go/chain-4"), policy=LOCAL)
    assert len(result.redirects) == 5


def test_fetch_stops_streamed_body_at_size_limit(news_server):
    policy = fetching.FetchPolicy.build(allowed_hosts=["127.0.0.1"], max_bytes=1024 * 1024)
    with pytest.raises(fetching.ResponseTooLargeError, match="1.0 MB limit"):
        fetching.fetch(news_server.url("/huge/streamed"), policy=policy)


def test_fetch_refuses_declared_oversized_body(news_server):
    policy = fetching.FetchPolicy.build(allowed_hosts=["127.0.0.1"], max_bytes=1024 * 1024)
    with pytest.raises(fetching.ResponseTooLargeError):
        fetching.fetch(news_server.url("/huge/declared"), policy=policy)


def test_fetch_times_out_on_slow_server(news_server):
    news_server.slow_seconds = 2
    policy = fetching.FetchPolicy.build(allowed_hosts=["127.0.0.1"], read_timeout=0.3)
    with pytest.raises(fetching.FetchTimeoutError) as caught:
        fetching.fetch(news_server.url("/slow/headers"), policy=policy)
    assert caught.value.transient


def test_fetch_gives_up_on_trickling_server(news_server):
    policy = fetching.FetchPolicy.build(
        allowed_hosts=["127.0.0.1"], read_timeout=2, total_timeout=0.5
    )
    with pytest.raises(fetching.FetchTimeoutError, match="too long"):
        fetching.fetch(news_server.url("/slow/trickle"), policy=policy)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/files/report.pdf", "of type application/pdf, not a web page"),
        ("/files/photo.png", "of type image/png"),
        ("/files/untyped", "did not say what kind of document"),
        ("/feeds/world.rss", "of type application/rss+xml"),
    ],
)
def test_fetch_refuses_wrong_content_type(news_server, path, message):
    with pytest.raises(fetching.UnsupportedContentTypeError, match=re.escape(message)):
        fetching.fetch(news_server.url(path), policy=LOCAL)


def test_fetch_accepts_feed_types_for_feeds(news_server):
    result = fetching.fetch(
        news_server.url("/feeds/world.rss"), policy=LOCAL, accept=fetching.FEED_TYPES
    )
    assert result.content_type == "application/rss+xml"
    assert result.etag == '"world-v1"'


def test_fetch_conditional_get_returns_not_modified(news_server):
    result = fetching.fetch(
        news_server.url("/feeds/world.rss"),
        policy=LOCAL,
        accept=fetching.FEED_TYPES,
        etag='"world-v1"',
    )
    assert result.not_modified
    assert result.body == b""
    assert news_server.requests[0].headers["if-none-match"] == '"world-v1"'


@pytest.mark.parametrize(("status", "transient"), [(404, False), (403, False), (503, True)])
def test_fetch_http_error_status(news_server, status, transient):
    with pytest.raises(fetching.HTTPStatusError) as caught:
        fetching.fetch(news_server.url(f"/status/{status}"), policy=LOCAL)
    assert caught.value.status == status
    assert caught.value.transient is transient


def test_fetch_connection_refused_is_transient(news_server):
    port = news_server.port
    news_server.stop()
    with pytest.raises(fetching.NetworkError, match="Could not connect") as caught:
        fetching.fetch(f"http://127.0.0.1:{port}/", policy=LOCAL)
    assert caught.value.transient
