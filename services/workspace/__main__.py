"""`python -m services.workspace`: serve the workspace (JIP_HTTP_HOST, JIP_HTTP_PORT)."""

from services.workspace.app import serve

serve()
