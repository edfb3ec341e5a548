"""aichr-kg: the knowledge graph of ASEAN human-rights actors.

The library loads, validates, stores and queries the graph; it knows nothing of the web
(the FastAPI service in ``api/`` is a thin layer over it).
"""

__version__ = "0.1.0"
