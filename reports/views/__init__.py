"""Views of reports, one module per audience: dashboards (staff, sponsor bodies, member
corporations), exports (lists of applications as files), public (the programme's pages)."""
