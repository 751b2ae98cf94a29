"""Staff logins and the e-court system's API tokens: who is asking, proven.

* passwords.py  argon2id hashes, verified off the event loop
* throttle.py   repeated failed logins refused per account and per client address
* sessions.py   cookie sessions of staff accounts (login, resolve, logout)
* tokens.py     API tokens (bearer secrets) of the e-court system
* bodies.py     the request bodies, strictly validated (rules for usernames and passwords)
* accounts.py   creating accounts: one path for the API, the CLI and the bootstrap
* services.py   the above, built once per app
* middleware.py finds the Actor of each request (cookie or bearer token), checks Origin
* routes.py     /api/v1/session, /api/v1/staff, /api/v1/api-tokens and the /login page
* bootstrap.py  the first administrator and the demo's staff accounts
* cli.py        ``courtroom users add|list`` and what ``courtroom serve`` creates on start

Nothing here is imported by this package's __init__: server.keys imports services.py, and
routes.py imports server.keys.
"""
