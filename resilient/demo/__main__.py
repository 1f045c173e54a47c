"""`python -m resilient.demo`: make a demo database (see generator.main for the options)."""

from resilient.demo.generator import main

main()
