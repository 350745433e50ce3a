"""Domain core: BNG rules, options, the allocation MILP and metric import.

Nothing here imports from the API, database, job or UI layers, so the engine runs from the
command line with no services at all.
"""
