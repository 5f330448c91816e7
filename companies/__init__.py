"""The SMEs (`Company`) and the people acting for them (`CompanyMembership`), how they
describe themselves (`enums.py`) and their SIREN (`validators.py`)."""
