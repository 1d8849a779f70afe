"""Who may see and change reviews.

- Members of the committee (secretariat, leaders, focal points, editors) read its reviews
  and everything in them; members of a successor committee read them too, read-only.
- The committee's secretariat (and system admins) write; the services add the status
  rules (a finalized review is frozen; only a system admin reopens it).
- Nobody else, and nothing for anonymous visitors: publishing reviews is a later issue.
"""

from phoihop.core import permissions as p
from phoihop.reviews.models import (
    CarriedItem,
    Commendation,
    Direction,
    ReviewConference,
    ReviewPeriod,
    ReviewSection,
)

p.register_policy(ReviewPeriod)(p.tenant_policy("committee"))
for _model in (ReviewConference, ReviewSection, Direction, Commendation, CarriedItem):
    p.register_policy(_model)(p.tenant_policy("review__committee"))
