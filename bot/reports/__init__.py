"""Excel workbooks for coordinators and funders (openpyxl), built off the event loop."""
