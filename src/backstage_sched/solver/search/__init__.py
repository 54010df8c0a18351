"""The search: the coordinator's method and the greedy construction, the whole
CP-SAT model level by level, and the neighbourhood search over series."""
