"""Stored per-day profiles of a model, merged for the Python checks (DESIGN §7: cost follows the night's data).

Per partition (a day of the model's date column), set value and column the
warehouse keeps rows, NULL / NaN / inf counts, sum, sum of squares, min and max
per bin of the reference's edges (numeric columns) or rows per level
(categorical columns). A night profiles the days it wrote (`refresh`); the
drift checks add the days' profiles up over any set of days (`Merged`). The
feature-set checks read partial aggregates kept per day beside them (column
counts, duplicate counts, centred moments: `facts.Facts`), merged exactly.
"""

from strataqc.checks.profiles.merge import Merged, Side
from strataqc.checks.profiles.refresh import Profile, refresh
from strataqc.checks.profiles.settings import (ChunkSettings, ProfileSettings, chunk_settings,
                                               profile_settings)

__all__ = ["ChunkSettings", "Merged", "Profile", "ProfileSettings", "Side", "chunk_settings", "profile_settings",
           "refresh"]
