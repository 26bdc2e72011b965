"""Step 3 of the pipeline: the numbers a briefing quotes, from the reconstruction (baselines, the
recovery and its metrics, year to date), each with its bounds, basis and claims."""
