"""Layered (Sugiyama) layout: ranks, crossing reduction, coordinates, collapsing, increments."""
