"""`python -m resilient.demo`: make a demo database (see database.main for the options)."""

from resilient.demo.database import main

main()
