"""Applications: the SME (company), its portage applications, the workflow and its events."""
