"""The model: candidate series, CP-SAT variables, one function per hard rule and
per soft term, and the bound on who can be placed."""
