"""The compound's edge and the world outside: gates, passes, health codes, cases, firms, disinfection."""
