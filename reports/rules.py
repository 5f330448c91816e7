"""Who sees which figures: staff the programme's, an advisor their sponsor body's, a
coordinator their corporation's (staff any corporation's)."""

import rules

from accounts.rules import is_association_staff
from corporations.rules import is_coordinator_of
from sponsors.rules import is_advisor

rules.add_perm("reports.view_figures", is_association_staff | is_advisor)
rules.add_perm("reports.view_corporation_figures", is_coordinator_of | is_association_staff)
