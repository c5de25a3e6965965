"""The checkpointer, deployed beside the five services: it signs the log's stream heads (audit/watch.py)
with a key only it holds, and answers /health. It owns no data and serves no API."""
