"""Small helpers shared by tests: a loopback HTTP server and sample documents."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator

Route = Callable[[BaseHTTPRequestHandler], None]


def respond(status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8", headers: dict[str, str] | None = None) -> Route:
    def handler(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(body)

    return handler


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[str]:
    """Serve ``routes`` (path -> handler) on 127.0.0.1; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            route = routes.get(self.path.split("?")[0])
            if route is None:
                respond(404, b"not found")(self)
            else:
                route(self)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


ARTICLE_HTML = """<!doctype html><html><head><title>{title}</title>
<meta name="author" content="Desk Reporter"><meta property="article:published_time" content="2020-03-30T08:00:00Z"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>{title}</h1>
<p>{body}</p>
<p>Officials in the region said the shipment included testing kits, protective suits and ventilators,
and that a second delivery was planned for the following month after talks between the two health ministries.</p>
<p>Observers noted that the aid arrived at a time when several neighbouring states were also seeking help,
and that the donor had used the occasion to promote cooperation under its wider infrastructure programme.</p>
</article><footer>Copyright notice and cookie banner text.</footer></body></html>"""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Scanner feed</title><link>{base}/</link><description>Notes</description>
<item><title>Loan agreement signed</title><link>{base}/a</link><pubDate>Mon, 30 Mar 2020 10:00:00 GMT</pubDate>
<description>The development bank signed a loan agreement with the ministry of transport for a new highway section in the mountains.</description></item>
<item><title>Protest at the mine</title><link>{base}/b</link><pubDate>Tue, 31 Mar 2020 10:00:00 GMT</pubDate>
<description>Hundreds of residents blocked the road to the mine, demanding compensation for polluted pastures and lost jobs.</description></item>
</channel></rss>"""
