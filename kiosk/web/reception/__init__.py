"""The reception kiosk: a holder's multilingual, touch-first way to a signed, printed card.

Importing this package registers every route on `bp`.
"""

from kiosk.web.reception import clinician, steps, views, voice  # noqa: F401
from kiosk.web.reception.blueprint import bp

__all__ = ["bp"]
