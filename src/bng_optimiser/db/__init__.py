"""PostgreSQL layer: reference data with versions, quote history and stock holds.

Session convention: every public function takes a `Session` and runs inside the caller's
transaction. It may flush, but it never commits or rolls back, so the caller decides what one
transaction holds. `session.session_scope(factory)` is the usual way to get a transaction
that commits on success and rolls back on an error. The one exception is
`PostgresSource`, which opens its own short read-only sessions from the factory it is given.

Functions that change banks, stock, prices or the catalogue record a new reference data
version in the same transaction (see `versions`), so a rolled-back change leaves no version.
"""
