"""Problem records (问题学籍, issue 15): the checks that find them (detection), the officers' and
administrators' page listing them per school, and their resolutions — kept with evidence, corrected through
a key-information change, or the pupil removed as entered in error (services)."""
