"""The server's own limits (``aichr_kg_api.server``), through ``aichr-kg serve`` as an operator runs it, with
raw sockets as the clients: a GET too long (414, "POST it"), headers too large (431), a client sending its
request too slowly (408, dropped), too many connections (503), unreadable HTTP (400), idle keep-alive
connections closed. Every refusal is a sentence, and the service keeps answering everyone else."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from servers import free_port, wait_until_up

from . import rawhttp

CLI = str(Path(sys.executable).parent / "aichr-kg")
HEAD_LIMIT, READ_TIMEOUT, KEEP_ALIVE, CONNECTIONS = 8192, 2.0, 1.0, 12
ASK = "/sparql?query=" + quote("ASK { ?s ?p ?o }")


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AICHR_KG_")},
           "AICHR_KG_MAX_HEADER_SIZE": str(HEAD_LIMIT), "AICHR_KG_REQUEST_READ_TIMEOUT": str(READ_TIMEOUT),
           "AICHR_KG_KEEP_ALIVE_TIMEOUT": str(KEEP_ALIVE), "AICHR_KG_MAX_CONNECTIONS": str(CONNECTIONS),
           "AICHR_KG_QUERY_WORKERS": "1", "AICHR_KG_SPARE_QUERY_WORKERS": "0"}
    server = subprocess.Popen([CLI, "serve", "--port", str(port)], env=env, cwd=tmp_path_factory.mktemp("serve"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}{ASK}", timeout=120)
        yield port
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


def still_serving(port: int) -> None:
    answer = rawhttp.get(port, ASK, {"Accept": "application/sparql-results+json"})
    assert answer.status == 200 and b'"boolean":true' in answer.body.replace(b" ", b"")


def connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=READ_TIMEOUT + 5)


def read_all(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def in_pieces(sock: socket.socket, data: bytes, size: int = 1000) -> None:
    for start in range(0, len(data), size):
        try:
            sock.sendall(data[start:start + size])
        except (BrokenPipeError, ConnectionResetError):
            return  # refused before the end: the answer is waiting
        time.sleep(0.005)


TOO_LONG = {  # a request, the status it gets, the words its sentence must hold
    "GET too long": (f"GET /sparql?query={quote('SELECT * WHERE { ?s ?p ?o } # ' + 'x' * (HEAD_LIMIT + 100))} HTTP/1.1\r\n"
                     "Host: 127.0.0.1\r\n\r\n", 414, f"longer than {HEAD_LIMIT:,} bytes; send a long SPARQL query by POST"),
    "headers too large": (f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: {'p' * (HEAD_LIMIT + 10)}\r\n\r\n", 431,
                          f"line and headers together are longer than {HEAD_LIMIT:,} bytes"),
}


@pytest.mark.parametrize("pieces", [False, True], ids=["at once", "in pieces"])
@pytest.mark.parametrize("case", TOO_LONG, ids=TOO_LONG.keys())
def test_a_request_head_too_long_gets_414_or_431_with_a_sentence(port, case, pieces):
    request, status, words = TOO_LONG[case]
    with connect(port) as sock:
        in_pieces(sock, request.encode()) if pieces else sock.sendall(request.encode())
        answer = read_all(sock).decode()
    assert answer.startswith(f"HTTP/1.1 {status} "), answer[:200]
    assert words in answer
    still_serving(port)


def test_a_long_query_by_post_is_answered(port):
    query = "ASK { ?s ?p ?o } # " + "x" * (HEAD_LIMIT * 4)
    request = (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
               f"Accept: application/sparql-results+json\r\nContent-Length: {len(query)}\r\nConnection: close\r\n\r\n"
               f"{query}").encode()
    answer = rawhttp.send(port, request)
    assert answer.status == 200 and b"true" in answer.body


def test_many_small_headers_count_too(port):
    fields = "".join(f"X-H{i}: v\r\n" for i in range(HEAD_LIMIT // 8))
    answer = rawhttp.send(port, f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{fields}\r\n".encode())
    assert answer.status == 431


def test_a_slowloris_client_is_answered_408_and_dropped(port):
    started = time.monotonic()
    clients = [connect(port) for _ in range(5)]
    try:
        for sock in clients:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        answers = {}
        while len(answers) < len(clients) and time.monotonic() - started < READ_TIMEOUT + 5:
            for i, sock in enumerate(clients):
                if i in answers:
                    continue
                try:
                    sock.sendall(b"X-Slow: 1\r\n")  # one more header line, never the end of the head
                except (BrokenPipeError, ConnectionResetError):
                    answers[i] = read_all(sock)
            still_serving(port)  # everyone else is answered meanwhile
            time.sleep(0.5)
    finally:
        for sock in clients:
            sock.close()
    elapsed = time.monotonic() - started
    assert len(answers) == len(clients), f"only {len(answers)} of {len(clients)} slow clients were dropped"
    assert READ_TIMEOUT - 0.5 <= elapsed < READ_TIMEOUT + 3
    for answer in answers.values():
        assert answer.startswith(b"HTTP/1.1 408 ") or answer == b""  # the 408 may be lost to the reset
    assert any(b"line and headers did not arrive within 2 s" in a for a in answers.values())


def test_a_slow_body_is_answered_408_and_dropped(port):
    with connect(port) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 1000\r\n\r\nASK")
        started = time.monotonic()
        answer = b""
        while time.monotonic() - started < READ_TIMEOUT + 5:
            try:
                sock.sendall(b" ")
            except (BrokenPipeError, ConnectionResetError):
                break
            sock.settimeout(0.5)
            try:
                answer += sock.recv(65536)
            except TimeoutError:
                continue
            if answer:
                break
        sock.settimeout(5)
        answer += read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408 ") and b"body did not arrive within 2 s" in answer, answer[:300]
    still_serving(port)


def test_too_many_connections_get_503_with_retry_after(port):
    idle = [connect(port) for _ in range(CONNECTIONS + 1)]
    try:
        time.sleep(0.3)  # the server has accepted them all
        answer = rawhttp.get(port, ASK)
        assert answer.status == 503 and answer.headers["retry-after"] == "1"
        assert f"more than {CONNECTIONS} connections are open" in answer.text
    finally:
        for sock in idle:
            sock.close()
    time.sleep(0.3)
    still_serving(port)


def test_unreadable_http_gets_400_with_a_sentence(port):
    answer = rawhttp.send(port, b"GET /a b c HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert answer.status == 400 and "not valid HTTP/1.1" in answer.text


def test_an_idle_keep_alive_connection_is_closed(port):
    with connect(port) as sock:
        sock.sendall(f"GET {ASK} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        response = rawhttp.http.client.HTTPResponse(sock)
        response.begin()
        response.read()
        started = time.monotonic()
        sock.settimeout(KEEP_ALIVE + 3)
        assert sock.recv(1) == b""  # closed by the server
    assert time.monotonic() - started < KEEP_ALIVE + 1


def test_a_connection_that_sends_nothing_is_closed_without_an_answer(port):
    with connect(port) as sock:
        started = time.monotonic()
        assert read_all(sock) == b""
    assert READ_TIMEOUT - 0.5 <= time.monotonic() - started < READ_TIMEOUT + 3
