"""motcua survey service: satisfaction surveys, the desk kiosk and the suggestion box."""
