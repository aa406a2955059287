"""Parts of the fault run (bench/faults.py): journeys, the driver, the fault schedule,
quiet, figures."""
