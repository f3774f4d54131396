"""`tqcheck serve`: the review desk, a local web app that keeps the models loaded between checks.

``desk`` runs the checks (through ``tqcheck.pipeline.run_check``, as the command line does),
``app`` answers HTTP, ``guard`` screens every request, ``inputs`` reads request bodies, ``files``
is the PATH sandbox and ``page`` renders the page around the report's own templates.
"""
