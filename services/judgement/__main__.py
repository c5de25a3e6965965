from shared.mechanics.runtime import serve

from .app import build

serve(build())
