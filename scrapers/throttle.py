"""AutoThrottle that takes a 304 answer's latency as it takes a 200's.

Scrapy's AutoThrottle lets only 200 answers bring its delay down (error pages are small and
fast, and would talk it into hurrying). An unchanged weekly run is almost nothing but 304
answers to conditional requests, so one slow answer early on (a busy server, a busy machine)
kept every later request of the run at that delay: an unchanged run took 6.4 s instead of
1.3 s for 0.8 s of CPU. A 304 is the server's full answer to what we asked, as cheap for it
as for us: its latency is a fair reading of how busy the server is.
"""

from __future__ import annotations

from typing import Any

from scrapy.extensions.throttle import AutoThrottle

#: Answers whose latency may lower the delay (Scrapy's: 200 only).
FULL_ANSWERS = (200, 304)


class ConditionalAutoThrottle(AutoThrottle):
    """Scrapy's delay policy, with a 304 counted as a full answer (``FULL_ANSWERS``)."""

    def _adjust_delay(self, slot: Any, latency: float, response: Any) -> None:
        # As Scrapy's AutoThrottle._adjust_delay: aim at `latency / target` between requests,
        # going halfway there from the current delay, never below the target delay.
        target_delay = latency / self.target_concurrency
        new_delay = max(target_delay, (slot.delay + target_delay) / 2.0)
        new_delay = min(max(self.mindelay, new_delay), self.maxdelay)
        if response.status not in FULL_ANSWERS and new_delay <= slot.delay:
            return
        slot.delay = new_delay
