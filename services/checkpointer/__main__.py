"""`python -m services.checkpointer`: run the checkpointer (JIP_CHECKPOINT_KEY_FILE, JIP_HTTP_PORT)."""

from services.checkpointer.app import serve

serve()
