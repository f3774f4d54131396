"""The lab: how tqcheck is measured and how its trained parts are made, apart from the runtime.

- ``evaluation``: runs the checks over an MQM-annotated evaluation set and scores them with the set's
  own scorer (``python -m tqcheck.lab.evaluation``).
- ``detector``: the error-span detector's feature extraction, training, calibration and the one
  command that rebuilds its shipped weights (``python -m tqcheck.lab.detector.build``).

The lab imports the runtime (it measures what ``tqcheck check`` does, through ``run_check``); nothing
that runs a check imports the lab (``tests/test_architecture.py`` holds it so), so a check never loads
training or evaluation code, and what the lab changes cannot leak into a check except through the
typed request it builds.
"""
