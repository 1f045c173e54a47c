"""Life in sealed buildings: requests, pick-up points, door-to-door rounds and the emergency store."""
