"""Staff accounts: login lockout, password rules, the optional second factor, session clocks and sealing
idle accounts. Rule: every rule about who may sign in and for how long lives here (roles and scoping are
still registry.roles and registry.scoping)."""
