"""Benchmarks run by `make bench`; each module listed in bench/__main__.py has a main()."""
