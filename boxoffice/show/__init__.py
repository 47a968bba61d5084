"""Pictures and pages: plots, scenario plots and the HTML report; the only floor that imports matplotlib."""
