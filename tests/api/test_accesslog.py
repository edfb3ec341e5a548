"""The access log, written off the event loop: the same line uvicorn writes, from a thread of its own."""

import io
import logging
import logging.config

from aichr_kg_api.accesslog import DeferredHandler, log_config


def test_access_lines_are_written_as_uvicorn_formats_them_by_another_thread():
    config = log_config()
    assert config["handlers"]["access"]["()"].endswith("DeferredHandler")
    stream = io.StringIO()
    config["handlers"]["access"]["stream"] = stream
    logging.config.dictConfig(config)
    logger = logging.getLogger("uvicorn.access")
    (handler,) = logger.handlers
    assert isinstance(handler, DeferredHandler)
    written_by = []
    emit = handler.target.emit
    handler.target.emit = lambda record: (written_by.append(__import__("threading").current_thread().name), emit(record))
    logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/sparql?query=ASK%7B%7D", "1.1", 200)
    handler.close()  # writes what is queued
    assert stream.getvalue().endswith('127.0.0.1:5000 - "GET /sparql?query=ASK%7B%7D HTTP/1.1" 200 OK\n'), stream.getvalue()
    assert written_by and written_by[0] != "MainThread"
    logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})
