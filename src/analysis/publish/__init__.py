"""Charts, narrative, suppression and the stakeholder HTML export."""
