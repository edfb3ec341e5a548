"""The aichr-kg web service: thin FastAPI routes over the ``aichr_kg`` library."""
