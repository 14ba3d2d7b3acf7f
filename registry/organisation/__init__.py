"""The organisation's pages and calendar: authorities, schools, classes, semesters, the working-day calendar
(statutory holidays and 调休), the home page's sections and the national deadlines' reminders. The models
stay in registry/models.py. Rule: nothing here imports an app above registry."""
