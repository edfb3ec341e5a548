"""The access log written by a thread of its own, so that the event loop only hands each record over.

uvicorn writes one line per request from the event loop: formatting it and writing it to the stream took
about an eighth of a cached /sparql answer's time (py-spy). ``DeferredHandler`` puts the record on a queue
as it is (uvicorn's access records hold only strings and numbers, so nothing changes before it is written);
a ``QueueListener`` thread formats and writes it with uvicorn's own formatter. ``log_config`` is uvicorn's
logging configuration with the access handler swapped for it; every worker process builds its own.
"""

import copy
import logging
import queue
from logging.handlers import QueueHandler, QueueListener

import uvicorn.config


class DeferredHandler(QueueHandler):
    def __init__(self, stream=None):
        super().__init__(queue.SimpleQueue())
        self.target = logging.StreamHandler(stream)
        self.listener = QueueListener(self.queue, self.target)
        self.listener.start()

    def close(self) -> None:
        """What is queued is written first (logging closes every handler as the process ends)."""
        if self.listener._thread is not None:
            self.listener.stop()
        super().close()

    def setFormatter(self, fmt: logging.Formatter | None) -> None:  # noqa: N802 - logging's name
        self.target.setFormatter(fmt)  # the listener's thread formats

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record  # formatted by the listener, not here


def log_config() -> dict:
    """uvicorn's default logging configuration, with the access log written by ``DeferredHandler``."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["handlers"]["access"] = {"()": f"{__name__}.DeferredHandler", "formatter": "access",
                                    "stream": "ext://sys.stdout"}
    return config
