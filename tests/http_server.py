"""A local web server standing in for news sites and their feeds.

Tests never reach the outside network: pages, redirects, oversized and slow answers,
wrong document types and feeds are all served from 127.0.0.1 by ``news_server``.
A test module uses it by naming the fixture at module level:
``news_server = http_server.news_server``.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

_NAV = """
<header class="site-header">
  <a class="logo" href="/">The Daily Ledger</a>
  <nav><ul>
    <li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
    <li><a href="/business">Business</a></li><li><a href="/climate">Climate</a></li>
    <li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe for £1 a week</a></li>
  </ul></nav>
</header>
"""

_HEAD_EXTRAS = """
<style>
  body { font-family: Georgia, serif; max-width: 42rem; margin: 0 auto; }
  .ad-slot::after { content: "Advertisement: 50% off"; }
</style>
<script>
  window.dataLayer = window.dataLayer || [];
  dataLayer.push({"section": "world", "wordCount": 712, "pageviews": 999999});
  var tickerText = "BREAKING: more than 9,000 readers online";
</script>
<script type="application/ld+json">
  {"@context": "https://schema.org", "@type": "NewsArticle", "inLanguage": "en"}
</script>
"""

_FOOTER = """
<aside class="related"><h3>Most read</h3><ol>
  <li><a href="/a">Ten things you missed this week</a></li>
  <li><a href="/b">Quiz: how well do you know 2026?</a></li></ol></aside>
<div class="ad-slot" id="ad-300x250"></div>
<footer><p>© 2026 The Daily Ledger Ltd. Registered in England No. 01234567.</p>
<script>document.write("<p>Cookie banner: 3 partners</p>");</script></footer>
"""

FLOODS_PARAGRAPHS = [
    "At least 80 people were killed and more than 12,000 displaced when floods swept "
    "through the southern provinces on Tuesday, the interior ministry said.",
    "Officials said 340 homes had been destroyed and about 1,200 damaged in the worst "
    "flooding the region has seen in two decades. Rainfall reached 210 millimetres in "
    "24 hours, almost three times the monthly average, according to the national "
    "weather service.",
    "\u201cWe have never seen water rise this fast,\u201d said Amina Hassan, a local "
    "council member, who said 15 villages remained cut off by landslides.",
    "The United Nations said it had released $5 million from its emergency fund and "
    "that roughly 40,000 people would need food aid over the next three months.",
    "Aid agencies warned that the death toll could rise as rescue teams reached remote "
    "villages. The government has declared a state of emergency in four districts.",
]

BUDGET_PARAGRAPHS = [
    "The government will raise spending on public hospitals by 4.5% next year, the "
    "finance minister told parliament on Wednesday, in a budget that also cuts the "
    "basic rate of income tax by one percentage point.",
    "The health budget will rise to \u00a3182 billion, up from \u00a3174 billion this "
    "year, and the Treasury expects to hire 6,000 additional nurses by 2028.",
    "Opposition leaders said the plan left a gap of nearly \u00a312 billion in the "
    "public finances. The independent fiscal watchdog forecast that borrowing would "
    "fall to 3.1% of national income in the coming financial year.",
    "Inflation stood at 2.7% in October, down from a peak of 11.1% three years ago, "
    "official figures published last week showed.",
]

FRENCH_PARAGRAPHS = [
    "Au moins 80 personnes ont \u00e9t\u00e9 tu\u00e9es et plus de 12 000 "
    "d\u00e9plac\u00e9es lorsque des inondations ont frapp\u00e9 les provinces du sud "
    "mardi, a indiqu\u00e9 le minist\u00e8re de l'Int\u00e9rieur.",
    "Selon les autorit\u00e9s, 340 maisons ont \u00e9t\u00e9 d\u00e9truites et environ "
    "1 200 endommag\u00e9es dans les pires inondations que la r\u00e9gion ait connues "
    "depuis vingt ans. Les pr\u00e9cipitations ont atteint 210 millim\u00e8tres en 24 "
    "heures, pr\u00e8s de trois fois la moyenne mensuelle.",
    "Les organisations humanitaires ont averti que le bilan pourrait s'alourdir "
    "\u00e0 mesure que les secours atteignent les villages isol\u00e9s.",
]

COST_PARAGRAPHS = [
    "Caf\u00e9 owners in the city centre say rents have risen by 18% since March, "
    "with a typical lease now costing \u00a348,000 a year.",
    "A survey of 250 businesses by the local chamber of commerce found that one in "
    "five expected to close within 12 months unless business rates were cut.",
    "The council said it would review the rates of about 1,100 premises before the "
    "end of the year, and that its na\u00efve forecasts from 2024 had underestimated "
    "the rise in energy costs by almost 30%.",
]


def article_html(
    *,
    title: str,
    paragraphs: list[str],
    byline: str = "Jane Roe",
    date: str = "2026-11-17",
    lang: str = "en",
    charset: str = "utf-8",
) -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="{charset}">
<title>{title} | The Daily Ledger</title>
<meta name="author" content="{byline}">
<meta property="article:published_time" content="{date}T08:30:00Z">
{_HEAD_EXTRAS}
</head>
<body>
{_NAV}
<main>
<article>
  <h1>{title}</h1>
  <p class="byline">By {byline}, {date}</p>
  <figure><img src="/img/lead.jpg" alt="Rescue boat"><figcaption>Photo: Reuters</figcaption>
  </figure>
  {body}
</article>
</main>
{_FOOTER}
</body>
</html>
"""


FLOODS_HTML = article_html(
    title="Floods kill at least 80 people in southern provinces", paragraphs=FLOODS_PARAGRAPHS
)
BUDGET_HTML = article_html(
    title="Budget raises hospital spending by 4.5%",
    paragraphs=BUDGET_PARAGRAPHS,
    byline="Sam Okafor",
    date="2026-11-18",
)
FRENCH_HTML = article_html(
    title="Inondations : au moins 80 morts dans le sud",
    paragraphs=FRENCH_PARAGRAPHS,
    byline="Claire Martin",
    lang="fr",
)
# Declared windows-1252 and encoded so: the pound signs and accents must survive.
COST_HTML_1252 = article_html(
    title="City centre caf\u00e9s face rent rises",
    paragraphs=COST_PARAGRAPHS,
    charset="windows-1252",
).encode("windows-1252")
# Unclosed tags everywhere, as some CMS templates still produce.
BROKEN_HTML = (
    "<html><head><title>Port strike enters third week</title><body><div class=story>"
    "<h1>Port strike enters third week"
    "<p>About 3,500 dock workers have now been on strike for 17 days, the union said, "
    "and more than 60 container ships are waiting off the coast."
    "<p>The port handles roughly 40% of the country's imports, and business groups "
    "estimate the stoppage is costing $90 million a day."
    "<p>Talks between the union and the port authority are due to resume on Monday, "
    "after the two sides failed to agree on a 9% pay rise <b>offered last week."
    "<div class=ad><script>alert('x')</script>"
)
NO_TEXT_HTML = f"""<!DOCTYPE html><html lang="en"><head><title>Video</title>{_HEAD_EXTRAS}
</head><body><script>renderVideoPlayer({{"id": 4471}});</script>
<noscript>Enable JavaScript</noscript></body></html>"""
PLAIN_TEXT = "\n\n".join(BUDGET_PARAGRAPHS[:2]) + "\n"


def rss_feed(base: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>The Daily Ledger - World</title><link>{base}/world</link>
<description>World news</description>
<item><title>Floods kill at least 80 people in southern provinces</title>
  <link>{base}/news/floods.html?utm_source=rss&amp;utm_medium=feed</link>
  <guid>{base}/news/floods.html</guid><pubDate>Tue, 17 Nov 2026 08:30:00 GMT</pubDate></item>
<item><title>Budget raises hospital spending by 4.5%</title>
  <link>{base}/news/budget.html</link><pubDate>Wed, 18 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>Floods: live updates</title>
  <link>{base}/news/floods.html#live</link></item>
</channel></rss>
"""


def atom_feed(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>The Daily Ledger - Business</title><id>urn:ledger:business</id>
<updated>2026-11-18T09:00:00Z</updated>
<entry><title>Budget raises hospital spending by 4.5%</title><id>urn:ledger:1</id>
  <link rel="alternate" href="{base}/news/budget.html?fbclid=XYZ"/>
  <updated>2026-11-18T09:00:00Z</updated></entry>
<entry><title>City centre cafes face rent rises</title><id>urn:ledger:2</id>
  <link rel="alternate" href="/news/cafes.html"/>
  <updated>2026-11-19T09:00:00Z</updated></entry>
</feed>
"""


# A throwaway self-signed certificate for news.ledger.test, a name that exists only in
# the tests (valid until 2126), so that HTTPS is tested without the network.
TLS_CERT_PEM = """\
-----BEGIN CERTIFICATE-----
MIIDNjCCAh6gAwIBAgIUQk4HV4+0bprZUaxDGL+d0rbixRowDQYJKoZIhvcNAQEL
BQAwGzEZMBcGA1UEAwwQbmV3cy5sZWRnZXIudGVzdDAgFw0yNjExMjUxMzM2Mjha
GA8yMTI2MTEwMTEzMzYyOFowGzEZMBcGA1UEAwwQbmV3cy5sZWRnZXIudGVzdDCC
ASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAK6ZQpWbhIvtU0ob5015IWHo
rTTWkMsDRlZS//dzcWI3VZYm+9OGugEn/x4MKuziSZuh4G2aSPhTncp/WH5YBB46
lsHcaBF0JNeZ+OE62bEDj05yfehr2LhYOq9i0TY5jxZJJTEKiQ+E07VjGKNf60iq
ib48yV6RSICDf6za1HLhj6k7x97vEnkY480YYoQ2Pab0nO3SVQcQSiDLU6RTznoy
d/UALIKywuxbpYV4FSosZPtXiM2C7EuS0dM4rsNrl92sfIhchCdCI5lCUqRygmSq
OA8moO0s9xkPjJhWNmUq4vKJZKFNQ+hLpE27N5ZeZ6larQudFRNY/XE79JMo7KEC
AwEAAaNwMG4wHQYDVR0OBBYEFK32fJ4JQ/6a4ppFF/jGMz3u5rBoMB8GA1UdIwQY
MBaAFK32fJ4JQ/6a4ppFF/jGMz3u5rBoMA8GA1UdEwEB/wQFMAMBAf8wGwYDVR0R
BBQwEoIQbmV3cy5sZWRnZXIudGVzdDANBgkqhkiG9w0BAQsFAAOCAQEANyLcPNTT
PmocnSFlApzY09Y3P/fhysmWvg6Gz7UB8meOrV2pSJ92iYO5ZAdDQI0k9FQjsuxF
G4OuKNZKdsFm3YIjrWuWnKzIWPcajezUB0qyuBEwd3eRYcxRPWAupoqKXmCkq7dD
n29ZqAhosar2EaUhQaWvgvCoTZOglJChvLF8tzFPiQWRvCZ+bIEp4nkqaEmkco4l
WmZ6+Q9r41kG6lwgBQd+PNrOn6WQ7J1GuYzOXWMXrtjoftfN6jtNoD1hrcoHM/sX
l7xiIY8qEHmq9z2OUfzQDobexbXqyhi6pAMPHdjnjhj84U0sKxjOOAWkUC9kDrCZ
ZOukmepUdd6ksw==
-----END CERTIFICATE-----
"""
TLS_KEY_PEM = """\
-----BEGIN PRIVATE KEY-----
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQCumUKVm4SL7VNK
G+dNeSFh6K001pDLA0ZWUv/3c3FiN1WWJvvThroBJ/8eDCrs4kmboeBtmkj4U53K
f1h+WAQeOpbB3GgRdCTXmfjhOtmxA49Ocn3oa9i4WDqvYtE2OY8WSSUxCokPhNO1
YxijX+tIqom+PMlekUiAg3+s2tRy4Y+pO8fe7xJ5GOPNGGKENj2m9Jzt0lUHEEog
y1OkU856Mnf1ACyCssLsW6WFeBUqLGT7V4jNguxLktHTOK7Da5fdrHyIXIQnQiOZ
QlKkcoJkqjgPJqDtLPcZD4yYVjZlKuLyiWShTUPoS6RNuzeWXmepWq0LnRUTWP1x
O/STKOyhAgMBAAECggEAC/oddC/VOYK6ikSRwGHFJXdAR8tJkXOUY/WQ84OVd+b9
1a1aQa9l8RBc/XhY4CPBvY2u3Is54uGxhaOTXs9g25tUniXQHxUNi0YCVEj6Mpy2
PEEPBrOR4UtuyHs0iM4NVQ+yym4Y6tnyFT5KrA0MvHuzs+YYQNwh0hcIhMNaJtXZ
zow1eMb6fxINv2H2MPV9P2ODIL+dH+kCPQmkSDJ7ig083XtbmTB9MQG2kXSeMky1
UFbeGkQzltFSuTq19Wp1A81y/MY0DsVXOdqXeEptpSJemGw/RFX9eAk/cvA9eOSy
BSIJGcwuNbFLfZ+WeU/+4pYaw4wEB54qdDaIQh/OFQKBgQDpfcZ4kcipl0XR22EK
F0pJwSbeEbBOFq+owZShjjnAlpji+JUbEZ2s2wz6ahfIxuz712lhQ5NtnCprhij9
PtGlwwuLZBX16CHmClIMdU4euoCSJL6KVnncshthpa2hra1rmZHYYJinEy9oDcbu
nxyTVcHmkAFPpBxjYuiR6hRfhwKBgQC/bhm5Y2iLMooUHwWhG/Jp338iP/N0USe8
MJVk0qflqAfPjyFqlZ3EdT+8QaG6QXxJXPCKNvOCFOyrBQWQ0zeKmn9zuEyof8W4
FxUZKtbV6zEMFaLG5CW98WtJD31gDiFCoJ41dgbboS/VIR/NsDi54/f7+QyQGV+Z
Xrsl4hPMlwKBgQCxk+HFQwK80HreXx2PYiUysL7Rt9xBl4ljLE7RC+0qZp7CSFKG
csBbfYGCVfvezEPiSXMw8QcIHvQ4MKGt8P/bNNrr2WPGURSu8vxx0yllv2wXOfDc
H2axDZg7jJjgVMmHAxXj3ZtbvgCY/5ljVAmUmG1O4AjPPD4G7Gt6xe9WswKBgQCF
nCUcPgQD07yIGrblIgpqVvH3R8d2kgY31XkQK++/3S3GctISAGdjbaqUjQKCa56B
3fqNnZkMW+pr209tK98CQJ9gd2wZ10R7HrE9JadZG5TaKGe6hhbJoi0Ni2AooPQZ
+t0x1zUmKjSmfz4hZDPTmwfEuKlKEkulUncxE8BZ9QKBgQDALkcBHDNKAIcxT/OX
OU1Qzi2jrwUliaG6fgiOZcSBOdmXi/7MMDWdhsVT9bJv9a7FT1cJ9bmOQ1k+woRj
2W14QoaWpdCK0DlMotNRqrQ/jE4GiIbb4SwILk/o4nCg0grVetA+7Fz+++HuBQgu
34unqSEXv+N75Dg9AJbR9jQyqQ==
-----END PRIVATE KEY-----
"""
TLS_HOST = "news.ledger.test"


FEED_ETAG = '"world-v1"'
FEED_LAST_MODIFIED = "Wed, 18 Nov 2026 09:00:00 GMT"


@dataclass
class Hit:
    path: str
    headers: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format, *args) -> None:  # noqa: A002 - the stdlib's name
        pass

    def do_GET(self) -> None:
        news = self.server.news
        path = urlsplit(self.path).path
        news.hits[path] += 1
        news.requests.append(
            Hit(path=path, headers={k.lower(): v for k, v in self.headers.items()})
        )
        base = news.base_url
        pages = {
            "/news/floods.html": FLOODS_HTML,
            "/mirror/floods-copy.html": FLOODS_HTML,
            "/news/budget.html": BUDGET_HTML,
            "/news/french.html": FRENCH_HTML,
            "/news/broken.html": BROKEN_HTML,
            "/news/video.html": NO_TEXT_HTML,
        }
        if path in pages:
            return self._send(200, pages[path].encode("utf-8"), "text/html; charset=utf-8")
        if path == "/news/cafes.html":
            # No charset in the header: the page's own <meta charset> must be used.
            return self._send(200, COST_HTML_1252, "text/html")
        if path == "/news/budget.txt":
            return self._send(200, PLAIN_TEXT.encode("utf-8"), "text/plain; charset=utf-8")
        if path == "/feeds/world.rss":
            return self._feed(rss_feed(base), "application/rss+xml")
        if path == "/feeds/business.atom":
            return self._feed(atom_feed(base), "application/atom+xml")
        if path == "/feeds/broken.rss":
            return self._send(200, b"<html><body>Moved</body></html>", "text/html")
        if path.startswith("/go/"):
            return self._redirect(path.removeprefix("/go/"))
        if path == "/files/report.pdf":
            return self._send(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf")
        if path == "/files/photo.png":
            return self._send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
        if path == "/files/untyped":
            return self._send(200, FLOODS_HTML.encode("utf-8"), None)
        if path == "/huge/streamed":
            return self._stream_forever()
        if path == "/huge/declared":
            return self._send(200, b"<html>" + b" " * 1024, "text/html", length=50 * 1024 * 1024)
        if path == "/slow/headers":
            time.sleep(news.slow_seconds)
            return self._send(200, FLOODS_HTML.encode("utf-8"), "text/html")
        if path == "/slow/trickle":
            return self._trickle()
        if path.startswith("/status/"):
            code = int(path.removeprefix("/status/"))
            return self._send(code, b"<html><body>Error</body></html>", "text/html")
        if path == "/flaky/floods.html":
            if news.hits[path] <= news.flaky_failures:
                return self._send(503, b"Busy", "text/plain")
            return self._send(200, FLOODS_HTML.encode("utf-8"), "text/html; charset=utf-8")
        return self._send(404, b"Not found", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str | None, *, length=None) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length if length is not None else len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)
        if length is not None:
            self.close_connection = True

    def _feed(self, text: str, content_type: str) -> None:
        if self.headers.get("If-None-Match") == FEED_ETAG or (
            self.headers.get("If-Modified-Since") == FEED_LAST_MODIFIED
        ):
            self.send_response(304)
            self.send_header("ETag", FEED_ETAG)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("ETag", FEED_ETAG)
        self.send_header("Last-Modified", FEED_LAST_MODIFIED)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, name: str) -> None:
        base = self.server.news.base_url
        port = self.server.server_address[1]
        targets = {
            "floods": "/news/floods.html",
            "floods-absolute": f"{base}/news/floods.html",
            "metadata": "http://169.254.169.254/latest/meta-data/iam/",
            "private": "http://10.0.0.5/admin",
            "decimal-loopback": f"http://2130706433:{port}/news/floods.html",
            "localhost": f"http://localhost:{port}/news/floods.html",
            "file": "file:///etc/passwd",
            "loop-a": "/go/loop-b",
            "loop-b": "/go/loop-a",
        }
        if name.startswith("chain-"):
            remaining = int(name.removeprefix("chain-"))
            location = "/news/floods.html" if remaining == 0 else f"/go/chain-{remaining - 1}"
        else:
            location = targets.get(name)
            if location is None:
                return self._send(404, b"Not found", "text/plain")
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _stream_forever(self) -> None:
        # No Content-Length: the size is only known by counting while reading.
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = b"<p>" + b"x" * 65530 + b"</p>"
        try:
            for _ in range(2000):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for _ in range(100):
                self.wfile.write(b"<p>.</p>")
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    news: NewsServer


class NewsServer:
    """The server and what it saw: ``hits`` per path and every request's headers."""

    def __init__(self, *, tls_files: tuple[str, str] | None = None) -> None:
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.scheme = "https" if tls_files else "http"
        if tls_files:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls_files)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.news = self
        self.hits: Counter[str] = Counter()
        self.requests: list[Hit] = []
        self.slow_seconds = 3.0
        self.flaky_failures = 1
        # A short poll interval: shutdown waits for the loop to notice, once per test.
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def start(self) -> NewsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def news_server():
    server = NewsServer().start()
    yield server
    server.stop()


@pytest.fixture
def tls_news_server(tmp_path):
    """The same site over HTTPS, with the certificate of ``TLS_HOST``."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text(TLS_CERT_PEM)
    key.write_text(TLS_KEY_PEM)
    server = NewsServer(tls_files=(str(cert), str(key))).start()
    yield server
    server.stop()
