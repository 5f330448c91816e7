"""Reference data and shared form widgets, apart from every domain app.

NAF sectors (`models.Sector`, `naf.py`), French geography (`geography.py`), UN M49 sub-regions
(`m49.py`), French business days (`business_days.py`), the selects written in Python and the
searchable pickers (`widgets.py`, `templatetags/form_fields.py`). Every app may import this
package; it imports none of them (`tests/reference/test_apart.py`).
"""
