"""Demo and benchmark tooling: `manage.py seed_demo` and `demo_totp` (the demo data set and its
authenticator codes), `bench`, `bench_sweep`, `bench_dashboard` and `bench_pages` (`make bench`)
and what they share. It uses the domain apps; no domain app imports it."""
