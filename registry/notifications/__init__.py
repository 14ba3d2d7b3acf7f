"""The inbox: delivering each reminder once (services), the daily collector of every app's reminder sources
(reminders), and the inbox pages (views)."""
