"""Step 4 of the pipeline: what the notebook calls (sections.py), the words, tables and charts in
the house style, and the labels they share."""
