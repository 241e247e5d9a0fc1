"""From pasted text to the sentences worth checking.

Pure text work, no models and no queue: `spot(text)` cleans what was pasted
(`cleaning`), splits it into sentences with their offsets (`sentences`) and
scores each for check-worthiness with the reasons a checker reads
(`signals`, `claimants`, `spotting`). The desk, the worker and the
`spot_claims` command call it alike.
"""

from __future__ import annotations

from claims.intake.cleaning import CleanText, DroppedLine, clean
from claims.intake.spotting import Candidate, Spotting, spot

__all__ = ["Candidate", "CleanText", "DroppedLine", "Spotting", "clean", "spot"]
