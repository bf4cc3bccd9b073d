#!/bin/sh
# The container's main process: the cell runner (runner.py), on the environment's own Python.
exec "$(cat /opt/dlmatrix/facts/python_path)" -u /opt/dlmatrix/runtime/runner.py
