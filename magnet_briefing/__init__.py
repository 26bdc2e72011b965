"""Reconstruct China's monthly rare-earth magnet exports from scattered news claims."""
