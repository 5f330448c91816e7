"""The portal's plumbing, shared by every app and importing none of them: cache generations and
pages kept rendered, prepared queries, a row's labels and address, typography in the reader's
language."""
