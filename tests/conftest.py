import os

from hypothesis import settings

# CI runs a fixed set of examples so a red run is reproducible; explore with
# HYPOTHESIS_PROFILE=explore to draw fresh, more numerous examples.
settings.register_profile("default", derandomize=True, max_examples=60, deadline=None)
settings.register_profile("explore", derandomize=False, max_examples=400, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
