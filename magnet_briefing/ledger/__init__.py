"""Step 1 of the pipeline: read and validate the ledger of claims and sources (load.py), with the
codebook's vocabulary, months, the interval rule and what is plausible.

Nothing is imported here, so the command can read its paths and parameters (config.py) without
loading pandas before it starts the notebook's kernel."""
