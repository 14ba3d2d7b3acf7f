"""Staff accounts and roles (用户与角色管理, issue 15): town officers manage the staff of their town's schools
and office, administrators the county's — accounts, roles, disabling, one-time passwords and the staff
import. Rules: `scope` (who manages whom, where a role may be granted), `services` (every change)."""
