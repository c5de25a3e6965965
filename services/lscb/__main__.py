from shared.runtime import serve

from .app import build

serve(build())
