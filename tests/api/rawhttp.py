"""A request sent byte for byte over a socket, for what ordinary clients refuse or rewrite: a request target
with raw or percent-encoded odd characters, a forged ``Host``, a header of any size."""

import http.client
import socket
from dataclasses import dataclass


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def send(port: int, request: bytes, timeout: float = 30) -> Answer:
    """``request`` (the whole request, headers included) sent to 127.0.0.1:``port``; the answer read."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return Answer(response.status, response.headers, response.read())


def get(port: int, target: bytes | str, headers: dict[str, str] | None = None, timeout: float = 30) -> Answer:
    """GET ``target`` exactly as given (str is sent as UTF-8), with ``Host: 127.0.0.1`` unless ``headers`` say."""
    target = target.encode() if isinstance(target, str) else target
    fields = {"Host": "127.0.0.1", "Connection": "close", **(headers or {})}
    head = b"".join(f"{k}: {v}\r\n".encode() for k, v in fields.items())
    return send(port, b"GET " + target + b" HTTP/1.1\r\n" + head + b"\r\n", timeout)
