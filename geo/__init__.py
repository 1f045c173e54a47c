"""Geometry and maps: footprints, coordinate systems, stairwell shapes, folium layers."""
