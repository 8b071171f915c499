"""Fetching pages and feeds from the open web without letting the web reach inside.

A URL an editor pastes, or a feed lists, may point at the machine the app runs on,
the office network or a cloud metadata service. Every hop of a fetch is therefore
resolved once, every address it resolves to is checked, and the connection is made
to that checked address (the Host header and TLS SNI carry the original name), so
that a DNS answer cannot change between the check and the connection.

Pure Python on the standard library: no Django models, no database.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
ARTICLE_TYPES = HTML_TYPES | TEXT_TYPES
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        # Many servers send feeds with a generic type; feedparser tells them apart.
        "text/html",
        "text/plain",
    }
)

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Statuses worth trying again later: the server is busy or briefly broken.
_TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_CHUNK_BYTES = 64 * 1024
_PATH_SAFE = "/%:@!$&'()*+,;=-._~?"
# Only strings made of these can be one of inet_aton's many IPv4 spellings.
_IPV4_SPELLING = re.compile(r"^[0-9a-fA-FxX.]+$")
# NAT64 prefixes carry an IPv4 address in their last 32 bits.
_NAT64_NETWORKS = (
    ipaddress.ip_network("64:ff9b::/96"),
    ipaddress.ip_network("64:ff9b:1::/48"),
)
_CGNAT_NETWORK = ipaddress.ip_network("100.64.0.0/10")

Resolver = Callable[[str, int], Sequence[str]]


# --- Errors -----------------------------------------------------------------------


class FetchError(Exception):
    """A fetch that did not give a usable document; the message is for an editor."""

    #: True when trying again later may work (timeouts, busy servers).
    transient = False


class InvalidURLError(FetchError):
    pass


class BlockedAddressError(FetchError):
    pass


class TooManyRedirectsError(FetchError):
    pass


class ResponseTooLargeError(FetchError):
    pass


class UnsupportedContentTypeError(FetchError):
    pass


class FetchTimeoutError(FetchError):
    transient = True


class NetworkError(FetchError):
    transient = True


class HostNotFoundError(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status
        self.transient = status in _TRANSIENT_STATUSES


# --- Policy and result ------------------------------------------------------------


def _system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


@dataclass(frozen=True)
class FetchPolicy:
    """The limits of one fetch. ``allowed_hosts`` bypass the address rules."""

    allowed_hosts: frozenset[str] = frozenset()
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    # A server that trickles one byte per read timeout must not hold a worker forever.
    total_timeout: float = 60.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = "newsfacts/1.0 (news fact-checking)"
    resolver: Resolver = field(default=_system_resolver, compare=False)
    # None: the system's certificate authorities.
    ssl_context: ssl.SSLContext | None = field(default=None, compare=False)

    @classmethod
    def build(cls, *, allowed_hosts: Iterable[str] = (), **limits) -> FetchPolicy:
        return cls(allowed_hosts=frozenset(normalise_allowed(allowed_hosts)), **limits)


def normalise_allowed(hosts: Iterable[str]) -> set[str]:
    """Allowlist entries as compared: lower-case names, IP addresses in canonical form."""
    normalised = set()
    for host in hosts:
        host = host.strip().lower().strip("[]").rstrip(".")
        if not host:
            continue
        literal = ip_literal(host)
        normalised.add(str(literal) if literal is not None else host)
    return normalised


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    etag: str = ""
    last_modified: str = ""
    redirects: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        return self.status == 304


# --- Addresses --------------------------------------------------------------------


def ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host name spells directly, in any of the forms resolvers accept.

    ``2130706433``, ``0x7f000001``, ``127.1`` and ``0177.0.0.1`` are all 127.0.0.1
    to the C resolver, so they are read the same way here.
    """
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if _IPV4_SPELLING.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def blocked_reason(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address must not be fetched from, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return "an IPv4 address written as IPv6"
        embedded = address.sixtofour
        if embedded is None and any(address in net for net in _NAT64_NETWORKS):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and blocked_reason(embedded):
            return "a private address wrapped in IPv6"
        if address.teredo is not None:
            return "a tunnelled address"
    if address.is_loopback:
        return "the loopback address of this machine"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv4Address) and address in _CGNAT_NETWORK:
        return "a carrier-grade NAT address"
    if address.is_private:
        return "a private network address"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "a non-public address"
    return None


def check_literal_host(host: str, *, allowed_hosts: Iterable[str] = ()) -> None:
    """Refuse a host that spells a non-public address, without any DNS lookup.

    Lets a web request turn down ``http://127.1/`` at once; names are checked when
    they are resolved, at fetch time.
    """
    allowed = normalise_allowed(allowed_hosts)
    name = host.lower().strip("[]").rstrip(".")
    address = ip_literal(name)
    if _is_allowed(name, address, allowed):
        return
    # Names under .localhost always mean this machine (RFC 6761), whatever DNS says.
    if name == "localhost" or name.endswith(".localhost"):
        raise BlockedAddressError(
            "This web address points to this machine (localhost), which is not fetched "
            "for safety. Use the public address of the page."
        )
    if address is None:
        return
    reason = blocked_reason(address)
    if reason:
        raise BlockedAddressError(
            f"This web address points to {reason} ({address}), which is not fetched "
            "for safety. Use the public address of the page."
        )


def _is_allowed(host: str, address, allowed: frozenset[str] | set[str]) -> bool:
    if not allowed:
        return False
    name = host.lower().strip("[]").rstrip(".")
    return name in allowed or (address is not None and str(address) in allowed)


def _resolve_checked(host: str, port: int, policy: FetchPolicy) -> list[str]:
    """The addresses to connect to, each checked; raises when any of them is refused."""
    literal = ip_literal(host)
    if _is_allowed(host, literal, policy.allowed_hosts):
        if literal is not None:
            return [str(literal)]
        return list(_lookup(host, port, policy))
    addresses = [str(literal)] if literal is not None else list(_lookup(host, port, policy))
    for raw in addresses:
        address = ipaddress.ip_address(raw.split("%", 1)[0])
        reason = blocked_reason(address)
        if reason:
            # Every answer is checked, not only the first: a name that resolves to a
            # public and a private address could be connected to either.
            raise BlockedAddressError(
                f"The address {host} points to {reason} ({address}), which is not "
                "fetched for safety."
            )
    return addresses


def _lookup(host: str, port: int, policy: FetchPolicy) -> Sequence[str]:
    try:
        addresses = policy.resolver(host, port)
    except socket.gaierror as exc:
        if exc.errno in (socket.EAI_AGAIN,):
            raise NetworkError(
                f"The name {host} could not be looked up right now; will try again."
            ) from exc
        raise HostNotFoundError(
            f"The site {host} could not be found. Check the web address for typos."
        ) from exc
    except UnicodeError as exc:
        raise InvalidURLError(f"The site name {host!r} is not a valid host name.") from exc
    if not addresses:
        raise HostNotFoundError(f"The site {host} could not be found.")
    return addresses


# --- Connections pinned to a checked address --------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Speaks HTTP to ``host`` but connects to the address already checked for it."""

    def __init__(self, host: str, port: int, *, address: str, policy: FetchPolicy) -> None:
        super().__init__(host, port, timeout=policy.connect_timeout)
        self._address = address
        self._read_timeout = policy.read_timeout

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.settimeout(self._read_timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, policy: FetchPolicy) -> None:
        super().__init__(
            host,
            port,
            timeout=policy.connect_timeout,
            context=policy.ssl_context or ssl.create_default_context(),
        )
        self._address = address
        self._read_timeout = policy.read_timeout

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # Certificate and SNI are for the name the editor gave, not the address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        self.sock.settimeout(self._read_timeout)


# --- Fetching ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str


def parse_target(url: str) -> _Target:
    """Check that a URL can be fetched at all: http(s), a host, no credentials."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise InvalidURLError(f"This is not a valid web address: {exc}.") from exc
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise InvalidURLError(
            "Only web addresses starting with http:// or https:// can be fetched."
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise InvalidURLError("The web address has no site name.")
    if parts.username is not None or parts.password is not None:
        raise InvalidURLError("Web addresses with a user name or password are not fetched.")
    if any(ch.isspace() or ord(ch) < 32 for ch in url.strip()):
        raise InvalidURLError("The web address contains spaces or control characters.")
    try:
        host.encode("ascii")
    except UnicodeEncodeError:
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise InvalidURLError(f"The site name {host!r} is not valid.") from exc
    # Redirects may carry raw non-ASCII or spaces that the request line cannot hold.
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path = f"{path}?{quote(parts.query, safe=_PATH_SAFE)}"
    return _Target(
        scheme=scheme, host=host, port=port or (443 if scheme == "https" else 80), path=path
    )


def fetch(
    url: str,
    *,
    policy: FetchPolicy,
    accept: frozenset[str] = ARTICLE_TYPES,
    etag: str = "",
    last_modified: str = "",
) -> FetchResult:
    """GET a URL within the policy's limits, following and checking each redirect.

    With ``etag`` / ``last_modified`` the request is conditional and a 304 answer is
    returned as a result with ``not_modified`` and no body.
    """
    deadline = time.monotonic() + policy.total_timeout
    seen: list[str] = []
    current = url
    while True:
        target = parse_target(current)
        response, connection = _request(target, policy, etag=etag, last_modified=last_modified)
        try:
            status = response.status
            if status in _REDIRECT_STATUSES:
                location = response.getheader("Location")
                if not location:
                    raise HTTPStatusError(
                        f"The server answered {status} (moved) without saying where to.",
                        status=status,
                    )
                next_url = urljoin(current, location.strip())
                seen.append(current)
                if next_url in seen:
                    raise TooManyRedirectsError(
                        "The page redirects in a loop and never arrives anywhere."
                    )
                if len(seen) > policy.max_redirects:
                    raise TooManyRedirectsError(
                        f"The page redirects more than {policy.max_redirects} times."
                    )
                current = next_url
                continue
            if status == 304 and (etag or last_modified):
                return FetchResult(
                    url=current,
                    status=304,
                    content_type="",
                    charset=None,
                    body=b"",
                    etag=response.getheader("ETag") or etag,
                    last_modified=response.getheader("Last-Modified") or last_modified,
                    redirects=tuple(seen),
                )
            if not 200 <= status < 300:
                raise HTTPStatusError(_status_message(status, response.reason), status=status)
            content_type, charset = _content_type(response.getheader("Content-Type") or "")
            if content_type not in accept:
                raise UnsupportedContentTypeError(_type_message(content_type, accept))
            body = _read_limited(response, policy, deadline)
            return FetchResult(
                url=current,
                status=status,
                content_type=content_type,
                charset=charset,
                body=body,
                etag=response.getheader("ETag") or "",
                last_modified=response.getheader("Last-Modified") or "",
                redirects=tuple(seen),
            )
        finally:
            connection.close()


def _request(target: _Target, policy: FetchPolicy, *, etag: str, last_modified: str):
    addresses = _resolve_checked(target.host, target.port, policy)
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    headers = {
        "User-Agent": policy.user_agent,
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
        # Compressed bodies would need their own size limit after decompression.
        "Accept-Encoding": "identity",
        "Connection": "close",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    last_error: Exception | None = None
    for address in addresses:
        connection = connection_class(target.host, target.port, address=address, policy=policy)
        try:
            connection.request("GET", target.path, headers=headers)
            return connection.getresponse(), connection
        except TimeoutError as exc:
            connection.close()
            last_error = FetchTimeoutError(
                f"The site {target.host} did not answer within the time limit."
            )
            last_error.__cause__ = exc
        except ssl.SSLCertVerificationError as exc:
            connection.close()
            raise NetworkError(
                f"The site {target.host} has an invalid security certificate: {exc.verify_message}."
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            last_error = NetworkError(f"Could not connect to {target.host}: {_os_message(exc)}.")
            last_error.__cause__ = exc
    assert last_error is not None
    raise last_error


def _read_limited(response, policy: FetchPolicy, deadline: float) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > policy.max_bytes:
        raise ResponseTooLargeError(_too_large_message(policy.max_bytes))
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise FetchTimeoutError(
                    "The page took too long to download; the server is too slow."
                )
            chunk = response.read1(_CHUNK_BYTES)
            if not chunk:
                break
            size += len(chunk)
            # Counted while streaming, since Content-Length can be absent or wrong.
            if size > policy.max_bytes:
                raise ResponseTooLargeError(_too_large_message(policy.max_bytes))
            chunks.append(chunk)
    except TimeoutError as exc:
        raise FetchTimeoutError(
            "The server stopped sending the page before it was complete (timed out)."
        ) from exc
    except http.client.IncompleteRead as exc:
        raise NetworkError("The connection broke before the page was complete.") from exc
    except OSError as exc:
        raise NetworkError(f"The connection broke while downloading: {_os_message(exc)}.") from exc
    return b"".join(chunks)


def _content_type(header: str) -> tuple[str, str | None]:
    main, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return main.strip().lower(), charset


def _type_message(content_type: str, accept: frozenset[str]) -> str:
    if not content_type:
        return "The server did not say what kind of document this is, so it was not read."
    wanted = "a feed" if accept & {"application/rss+xml"} else "a web page or plain text"
    return f"This address gives a document of type {content_type}, not {wanted}."


def _too_large_message(limit: int) -> str:
    return f"The page is larger than the {limit / (1024 * 1024):.1f} MB limit."


def _status_message(status: int, reason: str) -> str:
    if status == 404:
        return "The page was not found (HTTP 404). Check the web address."
    if status in (401, 403):
        return f"The site refused access to the page (HTTP {status}); it may be paywalled."
    if status in _TRANSIENT_STATUSES:
        return f"The site is not answering properly right now (HTTP {status} {reason})."
    return f"The site answered HTTP {status} {reason}".rstrip() + "."


def _os_message(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
