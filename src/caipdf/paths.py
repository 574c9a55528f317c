"""Where caipdf finds its layouts and fonts.

In a checkout (and an editable install) they live beside `src/`; the
CAIPDF_HOME environment variable points elsewhere.
"""

import os
from pathlib import Path

HOME = Path(os.environ.get("CAIPDF_HOME") or Path(__file__).resolve().parents[2])
LAYOUTS = HOME / "layouts"
FONTS = HOME / "fonts"
COLOR = HOME / "color"
