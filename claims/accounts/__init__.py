"""Accounts: the second factor (TOTP and recovery codes) and the security log.

- `two_factor`: who must give a second factor, setting it up, checking a code
- `audit`: what is written to the security log, and the signals that write it
- `middleware`: sends a session that still owes its second factor to give it
- `forms`, `views`, `urls`: the set-up, check and recovery-code pages
"""
