"""The demo data set (`manage.py seed_demo`), by concern:

- organisations.py: the sponsor bodies and the member corporations (presences, hosting offers);
- people.py: the accounts, one per role and more around them, the published password and key;
- companies.py: the SMEs, each made by its member;
- story.py: an application made and walked through the workflow services, dated days back;
- cast.py: who plays whom in the stories;
- walkthroughs.py: the current applications, at least one in every state;
- history.py: the programme's goals and past months, for the figures;
- seed.py: all of it in order, in one transaction, no mail leaving;
- report.py: what the command prints.
"""
